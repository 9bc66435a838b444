"""The archival profile: turns the summary reportlab drew into a PDF/A-3 file carrying its record. No Qt.

    archival_pdf(pdf, record, structure=None) -> bytes
    attached_record(pdf) -> (record, raw JSON bytes) or raises ArchivalError

What PDF/A-3 (level b; level a adds the tagging below) asks of this document and where each part comes from:
- every font embedded: reportlab already embeds (subsets of) DejaVu; nothing to do here;
- an output intent with an ICC profile for the RGB the pages are drawn in: an sRGB profile built from
  its published definition (consultaid/report/icc.py), so no third-party file or licence is involved;
- the PDF/A identification (pdfaid:part 3, conformance B) in XMP metadata, with the same title,
  author, subject, keywords, creator and dates as the document information dictionary;
- no encryption; transparency is allowed from PDF/A-2 on once an output intent is present (the
  summary's ink uses a constant alpha with the Normal blend mode only);
- the consultation record attached as JSON: an embedded file with its MIME type and dates, listed in
  the EmbeddedFiles name tree and in the catalog's /AF with AFRelationship /Data.

With the `structure` report/tagging.py recorded while the pages were drawn, the file is also a tagged
PDF/UA-1 document (docs/record.md, "Accessible PDF"): the structure tree (report/structure_tree.py),
/MarkInfo, the document title shown instead of the file name, /Tabs /S on every page, the seal's
signature field made here (empty, invisible, tagged as a Form element with a description) so that the
seal fills it without adding an untagged annotation, and the PDF/UA identification in XMP with the
extension schema PDF/A asks for; then the conformance level claimed is A (tagged), else B.

Why pyHanko's writer and not pikepdf or reportlab alone: reportlab's open-source edition has no PDF/A
output, no XMP and no associated files; pyHanko is needed anyway for the seal, it copies a document into
a fresh single-revision file (copy_into_new_writer), has the embedded-file objects, and it keeps the
XMP and the information dictionary in step when the seal is added later, as PDF/A requires. pikepdf
would add a second PDF library (and qpdf binary) for the same result.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from datetime import datetime
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

if TYPE_CHECKING:
    from pyhanko.pdf_utils.generic import DictionaryObject
    from pyhanko.pdf_utils.writer import BasePdfFileWriter

    from consultaid.report.structure_tree import DocumentStructure

RECORD_FILE_NAME = "consultation-record.json"
RECORD_MIME_TYPE = "application/json"
# The information-dictionary entries kept, each mirrored in XMP. ModDate and Producer are left to
# pyHanko, which writes them to both places when it saves (so they always agree).
KEPT_INFO = ("/Title", "/Author", "/Subject", "/Keywords", "/Creator", "/CreationDate")


class ArchivalError(ValueError):
    """The PDF does not carry a readable consultation record."""


def record_bytes(record: dict[str, Any]) -> bytes:
    """The attached JSON: the record as the store keeps it, UTF-8, readable by any JSON parser."""
    return json.dumps(record, ensure_ascii=False, indent=1).encode("utf-8")


def record_hash(record: dict[str, Any]) -> str:
    """SHA-256 of the record's canonical JSON (sorted keys, no spaces): equal for equal records, whatever
    the key order or layout of the text it was read from."""
    canonical = json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def archival_pdf(pdf: bytes, record: dict[str, Any], structure: DocumentStructure | None = None) -> bytes:
    """The summary `pdf` (reportlab's output) rewritten as one PDF/A-3 revision with `record` attached;
    tagged (PDF/A-3a, PDF/UA-1) when `structure` is the record of its drawing (report/tagging.py)."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.embed import EmbeddedFileObject, EmbeddedFileParams, FileSpec
    from pyhanko.pdf_utils.generic import pdf_name
    from pyhanko.pdf_utils.metadata.xmp_xml import MetadataStream
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.pdf_utils.writer import copy_into_new_writer

    from consultaid.report.icc import DESCRIPTION, srgb_profile

    reader = PdfFileReader(io.BytesIO(pdf))
    old_info = reader.trailer_view.get("/Info")
    info = generic.DictionaryObject()
    if old_info is not None:
        old_info = old_info.get_object()
        for key in KEPT_INFO:
            if key in old_info:
                info[pdf_name(key)] = generic.TextStringObject(xml_text(str(old_info[key])))
    writer = copy_into_new_writer(reader, {"info": info})
    writer.output_version = (1, 7)   # PDF/A-3 is based on PDF 1.7
    root = writer.root

    profile = generic.StreamObject({pdf_name("/N"): generic.NumberObject(3)}, stream_data=srgb_profile())
    profile.compress()
    root[pdf_name("/OutputIntents")] = generic.ArrayObject([writer.add_object(generic.DictionaryObject({
        pdf_name("/Type"): pdf_name("/OutputIntent"),
        pdf_name("/S"): pdf_name("/GTS_PDFA1"),
        pdf_name("/OutputConditionIdentifier"): generic.TextStringObject(DESCRIPTION),
        pdf_name("/Info"): generic.TextStringObject(DESCRIPTION),
        pdf_name("/RegistryName"): generic.TextStringObject("http://www.color.org"),
        pdf_name("/DestOutputProfile"): writer.add_object(profile),
    }))])

    if structure is not None:
        _tag(writer, structure)
    metadata = MetadataStream(stream_data=_xmp(info, tagged=structure is not None))
    root[pdf_name("/Metadata")] = writer.add_object(metadata)

    moment = _info_date(info.get("/CreationDate"))
    data = record_bytes(record)
    stream = EmbeddedFileObject.from_file_data(
        writer, data, mime_type=RECORD_MIME_TYPE,
        params=EmbeddedFileParams(creation_date=moment, modification_date=moment))
    spec = FileSpec(file_spec_string=RECORD_FILE_NAME, file_name=RECORD_FILE_NAME, embedded_data=stream,
                    description=f"ConsultAid consultation record (docs/record.md), SHA-256 {record_hash(record)}",
                    af_relationship=pdf_name("/Data")).as_pdf_object()
    spec_ref = writer.add_object(spec)
    root[pdf_name("/Names")] = writer.add_object(generic.DictionaryObject({
        pdf_name("/EmbeddedFiles"): generic.DictionaryObject({
            pdf_name("/Names"): generic.ArrayObject([generic.TextStringObject(RECORD_FILE_NAME), spec_ref])})}))
    root[pdf_name("/AF")] = generic.ArrayObject([spec_ref])
    writer.update_root()

    output = io.BytesIO()
    writer.write(output)
    _release(reader, writer)
    return output.getvalue()


def _release(*holders: object) -> None:
    """Empties pyHanko's object tables once the file is written. Every object they hold refers back to
    its reader or writer, so the whole graph (some 12,000 objects a summary) is one reference cycle that
    only the garbage collector's full pass frees; that pass held the interpreter for 60-120 ms while the
    window waited (design section 8: no stall over 50 ms while finalizing). Emptied, the objects are
    freed as soon as the last name for them goes."""
    for holder in holders:
        for name in ("objects", "resolved_objects", "_historical_resolver_cache"):
            table = getattr(holder, name, None)
            if isinstance(table, dict):
                table.clear()


# What XML 1.0 cannot hold at all (section 2.2, production [2]): C0 controls other than tab, line feed and
# carriage return, lone surrogates, U+FFFE and U+FFFF. Any text the record holds (a pasted patient name
# with U+FFFF, say) would otherwise make the XMP packet unparseable ("Failed to parse XMP XML").
XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
REPLACEMENT = "\ufffd"


def xml_text(text: str) -> str:
    """`text` with each character XML 1.0 forbids replaced by U+FFFD (the Unicode replacement character,
    the documented sign that a character could not be kept). Applied to the information dictionary and
    to the XMP alike, so that the two still say the same, as PDF/A requires; the printed pages and the
    attached record are not changed by it."""
    return XML_FORBIDDEN.sub(REPLACEMENT, text)


def _info_date(value: object) -> datetime | None:
    from pyhanko.pdf_utils.generic import parse_pdf_date

    try:
        return parse_pdf_date(str(value)) if value is not None else None
    except ValueError:
        return None


def _tag(writer: BasePdfFileWriter, structure: DocumentStructure) -> None:
    """The tagged-PDF parts of the catalog and pages, and the seal's (empty) field, tagged."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.generic import pdf_name
    from pyhanko.sign.fields import SigFieldSpec, append_signature_field

    from consultaid.report.seal import FIELD_NAME
    from consultaid.report.structure_tree import write_structure_tree

    append_signature_field(writer, SigFieldSpec(sig_field_name=FIELD_NAME, on_page=0))
    first_page = writer.find_page_for_modification(0)[0].get_object()
    widget = next(ref for ref in first_page["/Annots"] if str(ref.get_object().get("/T", "")) == FIELD_NAME)
    # The field's accessible name (PDF/UA 7.18.1: a form field needs a TU).
    widget.get_object()[pdf_name("/TU")] = generic.TextStringObject(structure.seal_description)
    write_structure_tree(writer, structure, widget=(0, widget))
    for index in range(len(structure.page_parents)):
        page = writer.find_page_for_modification(index)[0].get_object()
        page[pdf_name("/Tabs")] = pdf_name("/S")   # tab order follows the structure (PDF/UA 7.18.3)
    preferences = writer.root.get("/ViewerPreferences")
    preferences = preferences.get_object() if preferences is not None else generic.DictionaryObject()
    preferences[pdf_name("/DisplayDocTitle")] = generic.BooleanObject(True)
    writer.root[pdf_name("/ViewerPreferences")] = preferences


# The XMP extension schema PDF/A asks for before a schema it does not predefine (ISO 19005-3, 6.6.2.3),
# here PDF/UA's identification (ISO 14289-1, 5).
PDFUA_EXTENSION = (
    '<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">'
    "<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>"
    "<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>"
    "<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>"
    '<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">'
    "<pdfaProperty:name>part</pdfaProperty:name><pdfaProperty:valueType>Integer</pdfaProperty:valueType>"
    "<pdfaProperty:category>internal</pdfaProperty:category>"
    "<pdfaProperty:description>Indicates, which part of ISO 14289 standard is followed</pdfaProperty:description>"
    "</rdf:li></rdf:Seq></pdfaSchema:property></rdf:li></rdf:Bag></pdfaExtension:schemas>")


def _xmp(info: DictionaryObject, tagged: bool = False) -> bytes:
    """XMP with the PDF/A identification (and PDF/UA's when `tagged`) and the information dictionary's
    values, in the same words."""
    def text(key: str) -> str:
        return escape(xml_text(str(info[key]))) if key in info else ""

    fields = ["<pdfaid:part>3</pdfaid:part>", f"<pdfaid:conformance>{'A' if tagged else 'B'}</pdfaid:conformance>",
              "<dc:format>application/pdf</dc:format>"]
    if tagged:
        fields += ["<pdfuaid:part>1</pdfuaid:part>", PDFUA_EXTENSION]
    if "/Title" in info:
        fields.append(f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{text("/Title")}</rdf:li></rdf:Alt>'
                      "</dc:title>")
    if "/Author" in info:
        fields.append(f"<dc:creator><rdf:Seq><rdf:li>{text('/Author')}</rdf:li></rdf:Seq></dc:creator>")
    if "/Subject" in info:
        fields.append(f'<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{text("/Subject")}</rdf:li>'
                      "</rdf:Alt></dc:description>")
    if "/Keywords" in info:
        fields.append(f"<pdf:Keywords>{text('/Keywords')}</pdf:Keywords>")
    if "/Creator" in info:
        fields.append(f"<xmp:CreatorTool>{text('/Creator')}</xmp:CreatorTool>")
    created = _info_date(info.get("/CreationDate"))
    if created is not None:
        fields.append(f"<xmp:CreateDate>{created.isoformat()}</xmp:CreateDate>")
    body = "".join(fields)
    return ('<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
            '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
            '<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/" '
            'xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/" '
            'xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/" '
            'xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" '
            'xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#" '
            f'xmlns:pdf="http://ns.adobe.com/pdf/1.3/">{body}</rdf:Description></rdf:RDF></x:xmpmeta>'
            '<?xpacket end="w"?>').encode()


def attached_record(pdf: bytes) -> tuple[dict[str, Any], bytes]:
    """The consultation record attached to a summary, parsed, and its exact bytes."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        root = reader.root
        specs = [ref.get_object() for ref in root.get("/AF", [])]
        spec = next((s for s in specs if str(s.get("/UF", s.get("/F"))) == RECORD_FILE_NAME), None)
        if spec is None:
            raise ArchivalError("no attached consultation record")
        data = spec["/EF"]["/F"].get_object().data
    except ArchivalError:
        raise
    except Exception as error:   # any damage in the PDF's structure
        raise ArchivalError(f"the attached record cannot be read ({type(error).__name__}: {error})") from error
    try:
        record = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise ArchivalError(f"the attached record is not JSON ({error})") from error
    # A summary's consultation record, or an addendum's record (consultation/addendum.py), sealed the same way.
    if not isinstance(record, dict) or record.get("format") not in ("consultaid.record", "consultaid.addendum"):
        raise ArchivalError("the attachment is not a ConsultAid consultation record")
    return record, data
