//! The walk over the spec's operations, shared by every part of the generator.

use openapiv3::{OpenAPI, Operation, PathItem, ReferenceOr};

/// Every operation of the spec, in document order (path items given by reference, which
/// `check` refuses, are skipped).
pub(crate) fn all(spec: &OpenAPI) -> impl Iterator<Item = &Operation> {
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
pub(crate) fn with_ids(spec: &OpenAPI) -> impl Iterator<Item = (&PathItem, &Operation, &str)> {
    spec.paths
        .iter()
        .filter_map(|(_, item)| item.as_item())
        .flat_map(|item| item.iter().map(move |(_, op)| (item, op)))
        .filter_map(|(item, op)| Some((item, op, op.operation_id.as_deref()?)))
}
