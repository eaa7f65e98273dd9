"""Sources: files, folders of .vcf files, zips, file objects, and what is never touched."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest

import contactguard
from contactguard import Limits, Property, SourceError, UsageError, load, loads


def _card(name: str, uid: str | None = None) -> str:
    lines = ["BEGIN:VCARD", "VERSION:3.0", f"FN:{name}"]
    if uid:
        lines.append(f"UID:{uid}")
    return "\r\n".join([*lines, "END:VCARD"]) + "\r\n"


def _names(snap: contactguard.Snapshot) -> list[str | None]:
    return [c.formatted_name for c in snap]


def _zip(members: dict[str, str | bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for name, body in members.items():
            zf.writestr(name, body)
    return buf.getvalue()


def test_single_file_and_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "backup.vcf"
    path.write_bytes((_card("Ada") + _card("Bob")).encode())
    os.utime(path, (1_000_000_000, 1_000_000_000))
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    snap = load(path)
    assert _names(snap) == ["Ada", "Bob"]
    assert [c.source for c in snap] == [str(path)] * 2
    assert snap.source.name == str(path)
    assert snap.source.files[0].cards == 2
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    assert load(str(path)) == snap


def test_folder_of_vcf_files_vdirsyncer_style(tmp_path: Path) -> None:
    root = tmp_path / "contacts"
    (root / "default").mkdir(parents=True)
    (root / "work" / "archive").mkdir(parents=True)
    files = {
        root / "default" / "a1b2.vcf": _card("Ada", "a1b2"),
        root / "default" / "c3d4.vcf": _card("Bob", "c3d4"),
        root / "work" / "e5f6.vcf": _card("Cy", "e5f6"),
        root / "work" / "archive" / "g7h8.vcf": _card("Di", "g7h8"),
    }
    for path, text in files.items():
        path.write_text(text, encoding="utf-8")
    (root / "default" / "notes.txt").write_text("not a contact", encoding="utf-8")
    (root / "default" / "._a1b2.vcf").write_bytes(b"\x00\x05\x16\x07 mac resource fork")
    stamps = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in files}
    snap = load(root)
    assert _names(snap) == ["Ada", "Bob", "Cy", "Di"]   # sorted walk: stable order
    assert [c.uid for c in snap] == ["a1b2", "c3d4", "e5f6", "g7h8"]
    # notes.txt is not read, and that is said at info level (issue #13)
    assert [(f.kind, f.severity, f.source) for f in snap.findings] == [
        ("skipped-file", contactguard.Severity.INFO, str(root))]
    assert "notes.txt" in snap.findings[0].message
    assert [Path(f.name).name for f in snap.source.files] == [
        "a1b2.vcf", "c3d4.vcf", "e5f6.vcf", "g7h8.vcf"]
    assert snap[3].source == str(root / "work" / "archive" / "g7h8.vcf")
    assert stamps == {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in files}


def test_findings_of_folder_members_point_at_their_contact(tmp_path: Path) -> None:
    (tmp_path / "a.vcf").write_text(_card("Ada"), encoding="utf-8")
    (tmp_path / "b.vcf").write_text("BEGIN:VCARD\nVERSION:3.0\nFN:Bob\nbroken\nEND:VCARD\n",
                                    encoding="utf-8")
    snap = load(tmp_path)
    assert _names(snap) == ["Ada", "Bob"]
    assert [(f.kind, f.line, f.contact, f.source) for f in snap.findings] == [
        ("unparsable-line", 4, 1, str(tmp_path / "b.vcf"))]


def test_zip_of_vcf_files(tmp_path: Path) -> None:
    data = _zip({"b.vcf": _card("Bob"), "a.vcf": _card("Ada") + _card("Al"),
                 "readme.md": "ignored", "__MACOSX/._a.vcf": b"\x00\x05"})
    path = tmp_path / "backup.zip"
    path.write_bytes(data)
    snap = load(path)
    assert _names(snap) == ["Ada", "Al", "Bob"]
    assert [f.name for f in snap.source.files] == [f"{path}!a.vcf", f"{path}!b.vcf"]
    # readme.md is skipped with an info finding; __MACOSX clutter silently (issue #13)
    assert [(f.kind, f.message) for f in snap.findings] == [
        ("skipped-file", "1 entries that are not contact files (.vcf, .vcard, .vct, .csv) "
                         "not read: readme.md")]
    assert path.read_bytes() == data


def test_zip_of_a_folder_and_loads_of_zip_bytes() -> None:
    data = _zip({"Contacts/": b"", "Contacts/family/mum.vcf": _card("Mum"),
                 "Contacts/friends/ada.vcf": _card("Ada")})
    snap = loads(data, source="export.zip")
    assert _names(snap) == ["Mum", "Ada"]
    assert [c.source for c in snap] == ["export.zip!Contacts/family/mum.vcf",
                                        "export.zip!Contacts/friends/ada.vcf"]


def test_zip_inside_a_folder(tmp_path: Path) -> None:
    (tmp_path / "old.zip").write_bytes(_zip({"x.vcf": _card("Zipped")}))
    (tmp_path / "new.vcf").write_text(_card("Loose"), encoding="utf-8")
    assert _names(load(tmp_path)) == ["Loose", "Zipped"]


def test_zip_with_corrupted_member(tmp_path: Path) -> None:
    data = bytearray(_zip({"a.vcf": _card("Ada"), "b.vcf": _card("Bob"),
                           "c.vcf": _card("Cy")}, zipfile.ZIP_STORED))
    at = data.index(b"FN:Bob")
    data[at + 3] = ord("R")            # stored bytes changed: the CRC no longer matches
    path = tmp_path / "damaged.zip"
    path.write_bytes(bytes(data))
    snap = load(path)
    assert _names(snap) == ["Ada", "Cy"]
    assert [(f.kind, f.source, f.contact) for f in snap.findings] == [
        ("unreadable-entry", f"{path}!b.vcf", None)]
    assert "CRC" in snap.findings[0].message


def test_truncated_zip_is_a_finding_not_an_exception(tmp_path: Path) -> None:
    data = _zip({"a.vcf": _card("Ada")})
    path = tmp_path / "cut.zip"
    path.write_bytes(data[: len(data) // 2])
    snap = load(path)
    assert len(snap) == 0  # and a source with nothing readable fails (issue #13)
    assert [f.kind for f in snap.findings] == ["unreadable-entry", "no-contacts"]


def test_zip_bomb_ratio_is_limited() -> None:
    data = _zip({"big.vcf": _card("A") + " " * 2_000_000})
    snap = loads(data, limits=Limits(max_compression_ratio=50))
    assert len(snap) == 0
    assert [f.kind for f in snap.findings] == ["limit-exceeded", "no-contacts"]


def test_symlink_outside_the_folder_is_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "secret.vcf"
    outside.write_text(_card("Outside"), encoding="utf-8")
    root = tmp_path / "book"
    root.mkdir()
    (root / "a.vcf").write_text(_card("Inside"), encoding="utf-8")
    (root / "evil.vcf").symlink_to(outside)
    (root / "alias.vcf").symlink_to(root / "a.vcf")   # inside: the same file, read once
    snap = load(root)
    assert _names(snap) == ["Inside"]
    assert [(f.kind, f.source) for f in snap.findings] == [
        ("unreadable-entry", str(root / "evil.vcf"))]
    assert "symbolic link" in snap.findings[0].message


def test_binary_file_object() -> None:
    fh = io.BytesIO(_card("Ada").encode("utf-16"))
    snap = load(fh)
    assert _names(snap) == ["Ada"]
    assert snap.source.name == "<stream>"


def test_named_binary_file_object(tmp_path: Path) -> None:
    path = tmp_path / "x.vcf"
    path.write_text(_card("Ada"), encoding="utf-8")
    with path.open("rb") as fh:
        snap = load(fh)
    assert snap.source.name == str(path)
    assert snap[0].source == str(path)


def test_text_mode_file_object_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.vcf"
    path.write_text(_card("Ada"), encoding="utf-8")
    with path.open(encoding="utf-8") as fh, pytest.raises(SourceError, match="text mode"):
        load(fh)  # type: ignore[arg-type]
    with pytest.raises(SourceError, match="text mode"):
        load(io.StringIO(_card("Ada")))  # type: ignore[arg-type]


def test_missing_path(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as info:
        load(tmp_path / "nope.vcf")
    assert isinstance(info.value, OSError)
    assert isinstance(info.value, contactguard.ContactGuardError)
    assert "nope.vcf" in str(info.value)
    assert "No such file" in str(info.value)


def test_wrong_argument_types() -> None:
    with pytest.raises(UsageError):
        load(42)  # type: ignore[arg-type]
    with pytest.raises(UsageError):
        loads(42)  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="unknown format"):
        loads("", format="xml")


def test_file_over_the_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.vcf"
    path.write_text(_card("A") * 10, encoding="utf-8")
    with pytest.raises(SourceError, match="max_file_bytes"):
        load(path, limits=Limits(max_file_bytes=100))
    (tmp_path / "small.vcf").write_text(_card("B"), encoding="utf-8")
    snap = load(tmp_path, limits=Limits(max_file_bytes=100))
    assert _names(snap) == ["B"]
    assert [(f.kind, f.source) for f in snap.findings] == [("limit-exceeded", str(path))]


@pytest.mark.parametrize("content", [b"", b"\r\n\r\n", b"\xef\xbb\xbf"])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.vcf"
    path.write_bytes(content)
    snap = load(path)
    assert len(snap) == 0
    # 0 contacts is the worst outcome of a backup check: an error (issue #13)
    assert [(f.kind, f.severity, f.source) for f in snap.findings] == [
        ("no-contacts", contactguard.Severity.ERROR, str(path))]


def test_empty_folder(tmp_path: Path) -> None:
    snap = load(tmp_path)
    assert len(snap) == 0  # an empty folder backs up nothing: an error (issue #13)
    assert [(f.kind, f.severity) for f in snap.findings] == [
        ("no-contacts", contactguard.Severity.ERROR)]
    assert snap.source.format == "empty"


def test_mixed_folder_reports_its_formats(tmp_path: Path) -> None:
    (tmp_path / "a.vcf").write_text(_card("Ada"), encoding="utf-8")
    (tmp_path / "b.csv").write_text("First Name,Last Name,E-mail Address\nBob,B,b@example.com\n",
                                    encoding="utf-8")
    snap = load(tmp_path)
    assert _names(snap) == ["Ada", "Bob B"]
    assert snap.source.format == "mixed"
    assert [f.format for f in snap.source.files] == ["vcard", "csv"]
    assert snap[1].first("EMAIL") == Property("EMAIL", "b@example.com")
