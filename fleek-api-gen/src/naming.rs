//! The Rust names progenitor and typify give to spec names.

/// The snake-case field or method name of a spec name: `characterFile`, `character_file`
/// and `CharacterFile` all become `character_file`.
pub(crate) fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    let mut previous_lower = false;
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            if previous_lower {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
            previous_lower = false;
        } else if c.is_ascii_alphanumeric() {
            out.push(c);
            previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        } else {
            if !out.is_empty() && !out.ends_with('_') {
                out.push('_');
            }
            previous_lower = false;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::snake_case;

    #[test]
    fn spellings_of_one_name_meet() {
        assert_eq!(snake_case("characterFile"), "character_file");
        assert_eq!(snake_case("character_file"), "character_file");
        assert_eq!(snake_case("ListAgents"), "list_agents");
        assert_eq!(snake_case("next_page"), "next_page");
        assert_eq!(snake_case("last4"), "last4");
        assert_ne!(snake_case("projectId"), snake_case("project"));
    }
}
