//! Prints the JSON Schema of an Eliza character file, as `fleek_api::character::Character` reads it.
//!
//! ```sh
//! cargo run -p fleek-api --features schema --example character_schema > character.schema.json
//! ```
//!
//! `cargo xtask codegen` runs this to write `openapi/character.schema.json`.

fn main() {
    print!("{}", fleek_api::character::Character::json_schema_text());
}
