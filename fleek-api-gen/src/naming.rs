//! The Rust names progenitor and typify give to spec names, and the spec's operations.

use openapiv3::{OpenAPI, Operation, PathItem, ReferenceOr};

/// Every operation of the spec, in document order (path items given by reference, which
/// `check` refuses, are skipped).
pub(crate) fn operations(spec: &OpenAPI) -> impl Iterator<Item = &Operation> {
    spec.paths
        .iter()
        .filter_map(|(_, item)| match item {
            ReferenceOr::Item(item) => Some(item),
            ReferenceOr::Reference { .. } => None,
        })
        .flat_map(|item| item.iter().map(|(_, op)| op))
}

/// Every operation of the spec that has an operationId, with its path item (for path-level
/// parameters) and the id, in document order.
pub(crate) fn operations_with_ids(
    spec: &OpenAPI,
) -> impl Iterator<Item = (&PathItem, &Operation, &str)> {
    spec.paths
        .iter()
        .filter_map(|(_, item)| item.as_item())
        .flat_map(|item| item.iter().map(move |(_, op)| (item, op)))
        .filter_map(|(item, op)| Some((item, op, op.operation_id.as_deref()?)))
}

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
