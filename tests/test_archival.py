"""The archival profile (consultaid/report/archival.py): PDF/A-3 as far as it can be checked here (level A,
tagged: the tagging itself is checked in tests/test_tagged_pdf.py).

veraPDF, the reference PDF/A validator, runs in tests/test_verapdf.py; these checks stay beside it, each
requirement on its own with poppler, qpdf, pyHanko's reader and Pillow's littleCMS: fonts embedded,
output intent with a valid sRGB profile, PDF/A identification in XMP that
agrees with the information dictionary, no encryption, transparency limited to what PDF/A-3 allows,
the record attached as an associated file and equal to the record, and a clean `qpdf --check`. Checked
on the sealed summary, i.e. after the seal's incremental update, which must not break any of them.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
from pathlib import Path

import pytest

from consultaid.report import sealed_summary
from consultaid.report.archival import RECORD_FILE_NAME, attached_record, record_hash
from consultaid.report.seal import installation_seal

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((REPO / "docs" / "examples").glob("*.json"))


@pytest.fixture(scope="module", params=[0, len(EXAMPLES) - 1], ids=["en", "fr"])
def summary(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp("archival")
    record = json.loads(EXAMPLES[request.param].read_text(encoding="utf-8"))
    path = folder / "summary.pdf"
    path.write_bytes(sealed_summary(record, seal=installation_seal(folder)))
    return path, record


def run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True)


def reader_of(path: Path):
    from pyhanko.pdf_utils.reader import PdfFileReader

    return PdfFileReader(io.BytesIO(path.read_bytes()))


def test_every_font_is_embedded(summary):
    path, _record = summary
    lines = run("pdffonts", str(path)).stdout.splitlines()[2:]
    assert lines, "no fonts listed"
    for line in lines:
        fields = line.split()   # name, type (may hold spaces), encoding, emb, sub, uni, object, generation
        assert fields[-5] == "yes", line


def test_qpdf_finds_the_file_clean(summary):
    path, _record = summary
    result = run("qpdf", "--check", str(path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No syntax or stream encoding errors found" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_header_and_no_encryption(summary):
    path, _record = summary
    head = path.read_bytes()[:32]
    assert head.startswith(b"%PDF-1.7\n%") and all(byte > 127 for byte in head[10:14])   # binary comment
    info = run("pdfinfo", str(path)).stdout
    assert re.search(r"^Encrypted:\s+no$", info, re.M)
    # PDF/A-3 is PDF 1.7: neither the header nor the catalog's /Version (after the seal) may say 2.0.
    assert re.search(r"^PDF version:\s+1\.7$", info, re.M), info
    assert "/Encrypt" not in str(reader_of(path).trailer_view.keys())


def test_output_intent_carries_a_valid_srgb_profile(summary):
    from PIL import ImageCms

    path, _record = summary
    intents = reader_of(path).root["/OutputIntents"]
    assert len(intents) == 1
    intent = intents[0]
    assert intent["/S"] == "/GTS_PDFA1" and intent["/OutputConditionIdentifier"] == "sRGB IEC61966-2.1"
    profile = intent["/DestOutputProfile"]
    assert profile["/N"] == 3
    parsed = ImageCms.ImageCmsProfile(io.BytesIO(profile.data))   # littleCMS reads it: a valid profile
    assert parsed.profile.xcolor_space.strip() == "RGB" and parsed.profile.version < 4
    assert ImageCms.getProfileDescription(parsed).strip() == "sRGB IEC61966-2.1"


NS = {"x": "adobe:ns:meta/", "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
      "pdfaid": "http://www.aiim.org/pdfa/ns/id/", "dc": "http://purl.org/dc/elements/1.1/",
      "xmp": "http://ns.adobe.com/xap/1.0/", "pdf": "http://ns.adobe.com/pdf/1.3/",
      "pdfuaid": "http://www.aiim.org/pdfua/ns/id/"}


def xmp_values(xmp: str) -> dict[str, str]:
    """Each XMP property as "prefix:Name" -> text, whether written as an attribute or an element (for
    dc:title and the like, the first rdf:li)."""
    import xml.etree.ElementTree as ET

    prefixes = {uri: prefix for prefix, uri in NS.items()}

    def short(name: str) -> str:
        uri, local = name[1:].split("}")
        return f"{prefixes.get(uri, uri)}:{local}"

    values: dict[str, str] = {}
    root = ET.fromstring(xmp[xmp.index("<x:xmpmeta"):xmp.index("</x:xmpmeta>") + len("</x:xmpmeta>")])
    for description in root.iter(f"{{{NS['rdf']}}}Description"):
        for name, value in description.attrib.items():
            values[short(name)] = value
        for child in description:
            item = child.find(".//rdf:li", NS)
            values[short(child.tag)] = (item.text if item is not None else child.text) or ""
    return values


def test_xmp_identifies_pdfa_3a_and_pdfua_1_and_agrees_with_the_information_dictionary(summary):
    from pyhanko.pdf_utils.generic import parse_pdf_date

    path, _record = summary
    xmp = xmp_values(run("pdfinfo", "-meta", str(path)).stdout)
    assert xmp["pdfaid:part"] == "3" and xmp["pdfaid:conformance"] == "A", xmp
    assert xmp["pdfuaid:part"] == "1", xmp
    info = reader_of(path).trailer_view["/Info"]
    mirror = {"/Title": "dc:title", "/Author": "dc:creator", "/Subject": "dc:description",
              "/Keywords": "pdf:Keywords", "/Creator": "xmp:CreatorTool", "/Producer": "pdf:Producer"}
    assert set(info.keys()) <= {*mirror, "/CreationDate"}
    for key, name in mirror.items():   # the Producer after the seal's update too
        assert xmp[name] == str(info[key]), key
    assert xmp["xmp:CreateDate"] == parse_pdf_date(str(info["/CreationDate"])).isoformat()
    assert xmp["xmp:ModifyDate"]


def test_transparency_is_only_what_pdfa_3_allows(summary):
    """PDF/A-3 allows transparency once an output intent is present, with the standard blend modes."""
    path, _record = summary
    standard = {"/Normal", "/Compatible", "/Multiply", "/Screen", "/Overlay", "/Darken", "/Lighten",
                "/ColorDodge", "/ColorBurn", "/HardLight", "/SoftLight", "/Difference", "/Exclusion",
                "/Hue", "/Saturation", "/Color", "/Luminosity"}
    reader = reader_of(path)
    for page_ref in reader.root["/Pages"]["/Kids"]:
        resources = page_ref.get_object().get("/Resources", {})
        for state in resources.get("/ExtGState", {}).values():
            assert str(state.get("/BM", "/Normal")) in standard
            assert str(state.get("/SMask", "/None")) == "/None"


def test_the_record_is_attached_as_an_associated_file_equal_to_the_record(summary, tmp_path):
    path, record = summary
    listing = run("pdfdetach", "-list", str(path)).stdout
    assert listing.splitlines() == ["1 embedded files", f"1: {RECORD_FILE_NAME}"]
    saved = tmp_path / "record.json"
    assert run("pdfdetach", "-save", "1", "-o", str(saved), str(path)).returncode == 0
    assert json.loads(saved.read_text(encoding="utf-8")) == record
    attached, raw = attached_record(path.read_bytes())
    assert attached == record and raw == saved.read_bytes()

    root = reader_of(path).root
    [spec] = root["/AF"]
    spec = spec.get_object() if hasattr(spec, "get_object") else spec
    assert spec["/AFRelationship"] == "/Data" and spec["/UF"] == RECORD_FILE_NAME == spec["/F"]
    assert record_hash(record) in spec["/Desc"]
    stream = spec["/EF"]["/F"]
    assert stream["/Subtype"] == "/application/json" and "/ModDate" in stream["/Params"]
    names = root["/Names"]["/EmbeddedFiles"]["/Names"]
    assert names[0] == RECORD_FILE_NAME and names[1].get_object() == spec


def test_the_archival_profile_is_added_before_the_seal_in_one_revision(summary):
    """One revision made by the archival step, one by the seal: nothing else was appended."""
    path, _record = summary
    assert path.read_bytes().count(b"%%EOF") == 2
