"""The plain data that flows through Zhibiao.

reader → :class:`Document` (pages of paragraphs and tables) → extractors →
:class:`Fact` rows → store.  Nothing here does I/O.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

#: The fact-table contract, in export order (see data/README.md).
FACT_COLUMNS: tuple[str, ...] = (
    "document",
    "page",
    "method",
    "indicator",
    "category",
    "region",
    "region_code",
    "region_level",
    "operator",
    "subject",
    "period",
    "period_type",
    "period_start",
    "period_end",
    "measure",
    "value",
    "unit",
    "raw_value",
    "raw_unit",
    "snippet",
    "flags",
)

MEASURES: tuple[str, ...] = ("value", "yoy_pct", "mom_pct", "change", "share_pct", "rank", "rank_change")
METHODS: tuple[str, ...] = ("table", "prose", "import")
#: File types the readers accept.
SUFFIXES: tuple[str, ...] = (".pdf", ".txt", ".csv", ".xls", ".xlsx")

BBox = tuple[float, float, float, float]  # x0, top, x1, bottom in PDF points from the page's top-left


@dataclass
class Line:
    """One printed line of text, with its box on the page when known."""

    text: str
    bbox: BBox | None = None


@dataclass
class Paragraph:
    """Consecutive printed lines joined into running text.

    ``lines`` keeps the printed lines so a snippet can be located on the page.
    """

    text: str
    page: int
    lines: list[Line] = field(default_factory=list)
    heading: bool = False
    continued: list[tuple[int, int]] = field(
        default_factory=list
    )  # (text offset, page) where a later page begins

    def page_at(self, offset: int) -> int:
        """The page a character of ``text`` was printed on (paragraphs may run across pages)."""
        page = self.page
        for start, number in self.continued:
            if offset >= start:
                page = number
        return page


@dataclass
class Table:
    """A grid of cell strings; ``rows[0]`` is the header row when ``has_header``."""

    rows: list[list[str]]
    page: int
    bbox: BBox | None = None
    has_header: bool = True
    caption: str = ""
    row_boxes: list[BBox | None] = field(default_factory=list)
    position: int = -1  # how many of the page's paragraphs come before it, when there are no boxes


@dataclass
class Page:
    number: int  # 1-based
    paragraphs: list[Paragraph] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    furniture: list[str] = field(default_factory=list)  # running headers, footers, page numbers
    width: float = 0.0
    height: float = 0.0


@dataclass
class Document:
    """A report as read from one file."""

    name: str
    pages: list[Page] = field(default_factory=list)
    title: str = ""
    sha256: str = ""
    size: int = 0
    kind: str = "pdf"  # pdf | text | spreadsheet
    meta: dict[str, str] = field(default_factory=dict)  # e.g. indicator and unit of a spreadsheet
    warnings: list[str] = field(default_factory=list)  # what the reader assumed or skipped

    @property
    def text(self) -> str:
        return "\n".join(p.text for page in self.pages for p in page.paragraphs)


@dataclass
class Fact:
    """One row of the fact table (see ``FACT_COLUMNS``), plus where its snippet sits."""

    document: str
    page: int
    method: str
    indicator: str
    category: str
    region: str
    region_code: str
    region_level: str
    operator: str
    subject: str
    period: str
    period_type: str
    period_start: str
    period_end: str
    measure: str
    value: float
    unit: str
    raw_value: str
    raw_unit: str
    snippet: str
    flags: str = ""
    bbox: BBox | None = None

    def row(self) -> dict[str, object]:
        """The contract columns only.

        >>> f = Fact("a.pdf", 1, "prose", "互联网用户", "用户", "河南省", "410000", "province",
        ...          "", "", "2020-08", "month", "2020-08-01", "2020-08-31", "value",
        ...          116365000.0, "户", "11636.5", "万户", "总数达到11636.5万户")
        >>> list(f.row())[:3], len(f.row())
        (['document', 'page', 'method'], 21)
        """
        d = asdict(self)
        return {c: d[c] for c in FACT_COLUMNS}

    def add_flag(self, flag: str) -> None:
        flags = [f for f in self.flags.split(";") if f]
        if flag not in flags:
            flags.append(flag)
        self.flags = ";".join(flags)


class InputError(Exception):
    """A file that cannot be read, with a reason an analyst can act on."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason
