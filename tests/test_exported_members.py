"""The public API is exactly what contactguard.__all__ says, and it presents itself so."""

from __future__ import annotations

import contactguard

EXPECTED = {
    "CANONICAL_VERSION", "E164", "KINDS", "VOLATILE_PROPERTIES", "Contact", "ContactChange",
    "ContactGuardError", "Decoding", "Diff", "FieldChange", "FileInfo", "Finding",
    "Fingerprint", "IsoDate", "Limits", "Manifest", "ManifestEntry", "ManifestError",
    "ManifestReport", "ManifestSignatureError", "Match", "NameKey", "NormalizedEmail",
    "NormalizedText", "ParseError", "PhoneNumber", "Property", "RestoreReport", "Severity",
    "Snapshot", "SourceError", "SourceInfo", "StructuredName", "UsageError", "Verdict",
    "__version__", "canonical_form", "check", "detect", "diff", "dump", "dumps",
    "fingerprint", "load", "loads", "match", "name_keys", "normalize_date", "normalize_email",
    "normalize_name", "normalize_phone", "normalize_text", "romanize", "snapshot_digest",
    "verify", "verify_restore", "Conflict", "ContactStream", "CopyComparison", "Decisions",
    "DuplicateGroup", "MergePlan", "PairExplanation", "compare_copies", "find_duplicates",
    "iter_contacts", "plan_merge", "write_merged", "DisplayOptions", "Findings",
    "display_options", "StreamReport", "verify_file", "write_manifest",
    # batches (#18)
    "BatchSummary", "InputDigest", "Job", "JobResult", "find_jobs", "read_jobs", "summarize",
    "verify_many",
    # repair (#15)
    "FileRepair", "RepairItem", "RepairPlan", "combine", "repair_file", "repair_plan",
    "Auth", "CredentialsError", "IncompleteSourceError", "Secret",
    "Key", "check_passphrase", "generate_key", "key_dir",
}


def test_exported_set_is_pinned() -> None:
    assert set(contactguard.__all__) == EXPECTED


def test_every_export_exists() -> None:
    for name in contactguard.__all__:
        assert hasattr(contactguard, name), name


def test_public_classes_present_as_contactguard() -> None:
    for name in contactguard.__all__:
        member = getattr(contactguard, name)
        if isinstance(member, type):
            assert member.__module__ == "contactguard", name
            assert member.__qualname__ == name, name


def test_errors_are_builtin_compatible() -> None:
    assert issubclass(contactguard.ParseError, ValueError)
    assert issubclass(contactguard.UsageError, ValueError)
    assert issubclass(contactguard.SourceError, OSError)
    for name in ("ParseError", "UsageError", "SourceError", "ManifestError",
                 "ManifestSignatureError"):
        assert issubclass(getattr(contactguard, name), contactguard.ContactGuardError)
