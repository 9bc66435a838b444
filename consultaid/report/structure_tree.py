"""The summary's logical structure, and its structure tree in the PDF (ISO 32000-1, 14.7-14.8). No Qt.

`report/tagging.py` records, while reportlab draws, which structure element each marked-content
sequence of each page belongs to (a `DocumentStructure`); `write_structure_tree` turns that record into
the PDF objects of a tagged PDF in the archival file (report/archival.py): the StructTreeRoot with one
Document element, the elements in reading order with their marked-content references, the ParentTree
(for each page, the element of each MCID), /StructParents on the pages, and a Form element for the
seal's widget annotation, which PDF/UA wants tagged (PDF/A forbids hiding it instead).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class MarkedContentRef:
    """One marked-content sequence: its page (from 0) and its MCID on that page."""

    page: int
    mcid: int


@dataclass(eq=False)
class StructureElement:
    """A structure element: its standard role (P, H1, L, LI, Table, TH, Figure...), its kids in reading
    order (elements, or for a leaf the marked content it owns), a Figure's alternative text, table
    attributes (Scope, ColSpan, RowSpan) and a language when it differs from the document's."""

    role: str
    kids: list[Kid] = field(default_factory=list)
    alt: str = ""
    table_attributes: dict[str, str | int] = field(default_factory=dict)
    lang: str = ""

    def add(self, kid: StructureElement) -> StructureElement:
        self.kids.append(kid)
        return kid

    def elements(self) -> list[StructureElement]:
        return [kid for kid in self.kids if isinstance(kid, StructureElement)]

    def walk(self) -> list[StructureElement]:
        """This element and all below it, in reading order."""
        found = [self]
        for kid in self.elements():
            found += kid.walk()
        return found

    def marked_content(self) -> list[MarkedContentRef]:
        """The marked content of this element and all below it, in reading order."""
        found: list[MarkedContentRef] = []
        for kid in self.kids:
            found += kid.marked_content() if isinstance(kid, StructureElement) else [kid]
        return found


Kid = StructureElement | MarkedContentRef

# Elements kept even without content: a table must stay regular (every row as many cells) for PDF/UA.
KEPT_EMPTY = ("TH", "TD", "TR")


@dataclass
class DocumentStructure:
    """What `report/tagging.py` recorded: the Document element, and for each page (in order) the element
    that owns each MCID (index = MCID). `seal_description` names the seal's form field for people."""

    language: str
    root: StructureElement = field(default_factory=lambda: StructureElement("Document"))
    page_parents: list[list[StructureElement]] = field(default_factory=list)
    seal_description: str = ""

    def prune(self) -> None:
        """Drops elements that ended up with no content (a bullet that was never drawn, a list whose items
        all moved): an empty element is noise to a screen reader. Table cells stay (see KEPT_EMPTY)."""
        def keep(element: StructureElement) -> bool:
            element.kids = [kid for kid in element.kids if not isinstance(kid, StructureElement) or keep(kid)]
            return bool(element.kids) or element.role in KEPT_EMPTY

        keep(self.root)


def write_structure_tree(writer: Any, structure: DocumentStructure,
                         widget: tuple[int, Any] | None = None) -> None:
    """Adds the structure tree of `structure` to a pyHanko writer holding the summary's pages. `widget`,
    (page index, reference of the annotation), is the seal's widget: tagged as a Form element, last."""
    from pyhanko.pdf_utils import generic as pyhanko_generic
    from pyhanko.pdf_utils.generic import pdf_name

    generic: Any = pyhanko_generic   # pyHanko's object constructors carry no type annotations
    structure.prune()
    page_refs = [writer.find_page_for_modification(index)[0] for index in range(len(structure.page_parents))]
    tree_root = generic.DictionaryObject({pdf_name("/Type"): pdf_name("/StructTreeRoot")})
    tree_root_ref = writer.add_object(tree_root)
    references: dict[int, Any] = {}   # id(element) -> its reference

    def write(element: StructureElement, parent_ref: Any) -> Any:
        dictionary = generic.DictionaryObject({
            pdf_name("/Type"): pdf_name("/StructElem"), pdf_name("/S"): pdf_name(f"/{element.role}"),
            pdf_name("/P"): parent_ref})
        reference = writer.add_object(dictionary)
        references[id(element)] = reference
        if element.alt:
            dictionary[pdf_name("/Alt")] = generic.TextStringObject(element.alt)
        if element.lang:
            dictionary[pdf_name("/Lang")] = generic.TextStringObject(element.lang)
        if element.table_attributes:
            attributes = generic.DictionaryObject({pdf_name("/O"): pdf_name("/Table")})
            for key, value in element.table_attributes.items():
                attributes[pdf_name(f"/{key}")] = (generic.NumberObject(value) if isinstance(value, int)
                                                   else pdf_name(f"/{value}"))
            dictionary[pdf_name("/A")] = attributes
        own_page = next((kid.page for kid in element.kids if isinstance(kid, MarkedContentRef)), None)
        if own_page is not None:
            dictionary[pdf_name("/Pg")] = page_refs[own_page]
        kids = generic.ArrayObject()
        for kid in element.kids:
            if isinstance(kid, StructureElement):
                kids.append(write(kid, reference))
            elif kid.page == own_page:
                kids.append(generic.NumberObject(kid.mcid))
            else:   # an element continued on another page (a long list): the page is named with the MCID
                kids.append(generic.DictionaryObject({
                    pdf_name("/Type"): pdf_name("/MCR"), pdf_name("/Pg"): page_refs[kid.page],
                    pdf_name("/MCID"): generic.NumberObject(kid.mcid)}))
        dictionary[pdf_name("/K")] = kids
        return reference

    document_ref = write(structure.root, tree_root_ref)
    numbers = generic.ArrayObject()
    for index, parents in enumerate(structure.page_parents):
        page = page_refs[index].get_object()
        page[pdf_name("/StructParents")] = generic.NumberObject(index)
        # Only elements still in the tree: pruning never removes one that owns marked content.
        numbers += [generic.NumberObject(index),
                    writer.add_object(generic.ArrayObject(references[id(element)] for element in parents))]
    next_key = len(structure.page_parents)
    if widget is not None:
        page_index, annotation_ref = widget
        form = generic.DictionaryObject({
            pdf_name("/Type"): pdf_name("/StructElem"), pdf_name("/S"): pdf_name("/Form"),
            pdf_name("/P"): document_ref, pdf_name("/Pg"): page_refs[page_index],
            pdf_name("/Alt"): generic.TextStringObject(structure.seal_description),
            pdf_name("/K"): generic.DictionaryObject({
                pdf_name("/Type"): pdf_name("/OBJR"), pdf_name("/Obj"): annotation_ref,
                pdf_name("/Pg"): page_refs[page_index]})})
        form_ref = writer.add_object(form)
        document_ref.get_object()[pdf_name("/K")].append(form_ref)
        annotation_ref.get_object()[pdf_name("/StructParent")] = generic.NumberObject(next_key)
        numbers += [generic.NumberObject(next_key), form_ref]
        next_key += 1
    tree_root[pdf_name("/K")] = generic.ArrayObject([document_ref])
    tree_root[pdf_name("/ParentTree")] = writer.add_object(generic.DictionaryObject({pdf_name("/Nums"): numbers}))
    tree_root[pdf_name("/ParentTreeNextKey")] = generic.NumberObject(next_key)
    writer.root[pdf_name("/StructTreeRoot")] = tree_root_ref
    writer.root[pdf_name("/MarkInfo")] = generic.DictionaryObject({pdf_name("/Marked"): generic.BooleanObject(True)})


__all__ = ["DocumentStructure", "MarkedContentRef", "StructureElement", "write_structure_tree"]
