//! Programs some tests read their files back with (poppler's `pdftotext` and `pdftoppm` for
//! PDFs). Missing on a newcomer's machine, those tests say so and skip; CI sets
//! `TREMPLIN_REQUIRE_TOOLS` (and installs them), where a missing one is a failure.

/// Whether poppler's programs are on the PATH; panics when they are required and missing.
pub fn poppler() -> bool {
    let found = ["pdftotext", "pdftoppm"].iter().all(|program| {
        std::env::var_os("PATH")
            .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(program).is_file()))
    });
    if !found {
        assert!(
            std::env::var_os("TREMPLIN_REQUIRE_TOOLS").is_none(),
            "pdftotext et pdftoppm (poppler-utils) sont nécessaires alors que TREMPLIN_REQUIRE_TOOLS est défini"
        );
        eprintln!("SKIPPED: poppler-utils not installed (apt-get install poppler-utils)");
    }
    found
}
