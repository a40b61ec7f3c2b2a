/// Lowercases and removes accents so that "Mortagne", "MORTAGNE" and "mortâgne" compare
/// equal; apostrophes, hyphens and other separators become single spaces.
pub fn fold(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut pending_space = false;
    for c in input.chars().flat_map(char::to_lowercase) {
        let mapped: &str = match c {
            'à' | 'â' | 'ä' | 'á' | 'ã' | 'å' => "a",
            'æ' => "ae",
            'ç' => "c",
            'é' | 'è' | 'ê' | 'ë' => "e",
            'í' | 'ì' | 'î' | 'ï' => "i",
            'ñ' => "n",
            'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'ø' => "o",
            'œ' => "oe",
            'ú' | 'ù' | 'û' | 'ü' => "u",
            'ý' | 'ÿ' => "y",
            c if c.is_alphanumeric() => {
                if pending_space && !out.is_empty() {
                    out.push(' ');
                }
                pending_space = false;
                out.push(c);
                continue;
            }
            _ => {
                pending_space = true;
                continue;
            }
        };
        if pending_space && !out.is_empty() {
            out.push(' ');
        }
        pending_space = false;
        out.push_str(mapped);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::fold;

    #[test]
    fn folds_case_accents_and_separators() {
        assert_eq!(fold("L'Aigle"), "l aigle");
        assert_eq!(
            fold("  Saint-Germain-de-Martigny "),
            "saint germain de martigny"
        );
        assert_eq!(fold("Cœur du Perche"), "coeur du perche");
        assert_eq!(fold("ÉCHAUFFOUR"), "echauffour");
    }
}
