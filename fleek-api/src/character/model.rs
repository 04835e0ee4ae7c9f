//! The character file as typed values.

use std::collections::BTreeMap;

#[cfg(feature = "schema")]
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::open_enum::open_enum;

/// Fields a character file may carry that this type does not model, kept as they came.
pub type Extra = Map<String, Value>;

/// An Eliza character: who the agent is, how it talks, and what it runs.
///
/// ```
/// use fleek_api::character::Character;
///
/// let text = include_str!("../../tests/it/fixtures/c3po.character.json");
/// let character = Character::from_json(text)?;
/// assert_eq!(character.name, "C-3PO");
/// assert!(character.extra.contains_key("twitterSpaces"), "unknown fields are kept");
///
/// let report = character.validate();
/// assert!(report.eliza().is_empty());
/// assert!(!report.fleek().is_empty(), "no client, no topic: Fleek will not deploy it");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "camelCase")]
#[cfg_attr(
    feature = "schema",
    schemars(
        title = "Eliza character file (Eliza 0.1.9, as Fleek deploys it)",
        description = "An Eliza character: who the agent is, how it talks, and what it runs. \
                       Generated from the `fleek_api::character::Character` type by `cargo xtask codegen`. \
                       Fields not listed here are allowed and kept. Fleek deploys a character \
                       only with at least one client, topic and adjective, and one example \
                       conversation of two messages or more."
    )
)]
pub struct Character {
    /// A UUID for the character; Eliza derives one from the name when it is missing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The character's name.
    pub name: String,
    /// A system prompt that overrides Eliza's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
    /// The model provider.
    pub model_provider: ModelProvider,
    /// Who the character is: one text, or lines Eliza samples from.
    pub bio: Bio,
    /// Background facts Eliza samples from.
    pub lore: Vec<String>,
    /// Example conversations: each a list of messages.
    pub message_examples: Vec<Vec<MessageExample>>,
    /// Example posts, for social clients.
    pub post_examples: Vec<String>,
    /// What the character talks about.
    pub topics: Vec<String>,
    /// Words that describe the character.
    pub adjectives: Vec<String>,
    /// The clients the agent runs (`direct`, `twitter`, `discord`, ...).
    pub clients: Vec<ClientName>,
    /// The plugins: package names, e.g. `@elizaos/plugin-twilio`, or plugin objects. Eliza
    /// takes a list of one kind or the other, not both mixed.
    pub plugins: Vec<Plugin>,
    /// How the character writes.
    pub style: Style,
    /// Facts for the character's knowledge base.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub knowledge: Option<Vec<Value>>,
    /// Secrets, voice, model and other settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settings: Option<Settings>,
    /// Every other field, kept as it came (`twitterProfile`, `clientConfig`, ...).
    #[serde(flatten)]
    pub extra: Extra,
}

/// `bio`: one text or several lines.
///
/// ```
/// let bio: fleek_api::character::Bio = serde_json::from_str(r#""One line.""#)?;
/// assert_eq!(bio, fleek_api::character::Bio::Text("One line.".into()));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(untagged)]
#[cfg_attr(
    feature = "schema",
    schemars(description = "`bio`: one text or several lines.")
)]
pub enum Bio {
    /// One text.
    Text(String),
    /// Lines Eliza samples from.
    Lines(Vec<String>),
}

/// A plugin of [`Character::plugins`]: a package name, or a plugin described in the file.
///
/// ```
/// use fleek_api::character::Plugin;
///
/// let plugins: Vec<Plugin> = serde_json::from_str(
///     r#"["@elizaos/plugin-twilio", {"name": "weather", "description": "Says the weather"}]"#,
/// )?;
/// assert_eq!(plugins[0], Plugin::Package("@elizaos/plugin-twilio".into()));
/// assert!(matches!(&plugins[1], Plugin::Object(p) if p.name == "weather"));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(untagged)]
#[cfg_attr(
    feature = "schema",
    schemars(
        description = "A plugin: a package name, or a plugin object. A character's list holds \
                       one kind or the other, not both mixed."
    )
)]
pub enum Plugin {
    /// An npm package Eliza loads, e.g. `@elizaos/plugin-twilio`.
    Package(String),
    /// A plugin given as an object.
    Object(PluginObject),
}

/// A plugin given as an object in the character file (Eliza's `PluginSchema`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct PluginObject {
    /// The plugin's name.
    pub name: String,
    /// What it does.
    pub description: String,
    /// Every other field (`actions`, `providers`, `evaluators`, `services`, `clients`), kept
    /// as it came.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One message of an example conversation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct MessageExample {
    /// Who speaks: `{{user1}}` for the other party, or the character's name.
    pub user: String,
    /// What is said.
    pub content: MessageContent,
    /// Every other field, kept as it came.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The content of an example message.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct MessageContent {
    /// The text.
    pub text: String,
    /// The action the character takes, e.g. `CONTINUE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// Every other field, kept as it came.
    #[serde(flatten)]
    pub extra: Extra,
}

/// How the character writes: everywhere, in chats, in posts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct Style {
    /// Rules for everything the character writes.
    pub all: Vec<String>,
    /// Rules for chats.
    pub chat: Vec<String>,
    /// Rules for posts.
    pub post: Vec<String>,
    /// Every other field, kept as it came.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `settings`: secrets the clients need, and the rest as it came.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct Settings {
    /// Secrets by name, e.g. `TWITTER_USERNAME`, `OPENAI_API_KEY`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secrets: Option<BTreeMap<String, String>>,
    /// Every other setting (`voice`, `model`, `embeddingModel`, ...), kept as it came.
    #[serde(flatten)]
    pub extra: Extra,
}

/// Names the secrets and never shows their values:
///
/// ```
/// let settings: fleek_api::character::Settings =
///     serde_json::from_str(r#"{"secrets": {"OPENAI_API_KEY": "sk-live"}, "voice": {}}"#)?;
/// let shown = format!("{settings:?}");
/// assert!(shown.contains("OPENAI_API_KEY") && !shown.contains("sk-live"), "{shown}");
/// # Ok::<(), serde_json::Error>(())
/// ```
impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field(
                "secrets",
                &self.secrets.as_ref().map(crate::redact::SecretNames),
            )
            .field("extra", &self.extra)
            .finish()
    }
}

open_enum! {
    /// A model provider: the ones Eliza 0.1.9 knows, and any other kept as it came.
    ///
    /// ```
    /// use fleek_api::character::ModelProvider;
    /// assert_eq!("anthropic".parse::<ModelProvider>(), Ok(ModelProvider::Anthropic));
    /// let new: ModelProvider = "brand-new".parse().unwrap_or_else(|e| match e {});
    /// assert_eq!(new.as_str(), "brand-new");
    /// assert!(matches!(new, ModelProvider::Other(_)));
    /// ```
    ModelProvider {
        /// OpenAI.
        OpenAi = "openai",
        /// EternalAI.
        EternalAi = "eternalai",
        /// Anthropic.
        Anthropic = "anthropic",
        /// Grok.
        Grok = "grok",
        /// Groq.
        Groq = "groq",
        /// LlamaCloud.
        LlamaCloud = "llama_cloud",
        /// Together.
        Together = "together",
        /// A local Llama.
        LlamaLocal = "llama_local",
        /// LM Studio.
        LmStudio = "lmstudio",
        /// Google.
        Google = "google",
        /// Mistral.
        Mistral = "mistral",
        /// Claude on Vertex.
        ClaudeVertex = "claude_vertex",
        /// RedPill.
        Redpill = "redpill",
        /// OpenRouter.
        OpenRouter = "openrouter",
        /// Ollama.
        Ollama = "ollama",
        /// Heurist.
        Heurist = "heurist",
        /// Galadriel.
        Galadriel = "galadriel",
        /// Fal.ai.
        FalAi = "falai",
        /// GaiaNet.
        GaiaNet = "gaianet",
        /// Alibaba Bailian.
        AliBailian = "ali_bailian",
        /// Volcengine.
        VolEngine = "volengine",
        /// NanoGPT.
        NanoGpt = "nanogpt",
        /// Hyperbolic.
        Hyperbolic = "hyperbolic",
        /// Venice.
        Venice = "venice",
        /// NVIDIA.
        Nvidia = "nvidia",
        /// Nineteen.ai.
        NineteenAi = "nineteen_ai",
        /// Akash Chat API.
        AkashChatApi = "akash_chat_api",
        /// Livepeer.
        Livepeer = "livepeer",
        /// LetzAI.
        LetzAi = "letzai",
        /// DeepSeek.
        DeepSeek = "deepseek",
        /// Infera.
        Infera = "infera",
        /// AWS Bedrock.
        Bedrock = "bedrock",
        /// Atoma.
        Atoma = "atoma",
    }
}

open_enum! {
    /// A client an agent runs: the ones Eliza 0.1.9 knows, and any other kept as it came.
    ///
    /// ```
    /// use fleek_api::character::ClientName;
    /// assert_eq!(ClientName::Direct.to_string(), "direct");
    /// assert!(ClientName::KNOWN.contains(&ClientName::Telegram));
    /// ```
    ClientName {
        /// Alexa.
        Alexa = "alexa",
        /// Discord.
        Discord = "discord",
        /// Eliza's own HTTP API (what Fleek's proxy reaches).
        Direct = "direct",
        /// X (Twitter).
        Twitter = "twitter",
        /// Telegram, as a bot.
        Telegram = "telegram",
        /// Telegram, as a user account.
        TelegramAccount = "telegram-account",
        /// Farcaster.
        Farcaster = "farcaster",
        /// Lens.
        Lens = "lens",
        /// Eliza's scheduler.
        Auto = "auto",
        /// Slack.
        Slack = "slack",
        /// GitHub.
        GitHub = "github",
        /// Instagram.
        Instagram = "instagram",
        /// Sims AI.
        SimsAi = "simsai",
        /// XMTP.
        Xmtp = "xmtp",
        /// Deva.
        Deva = "deva",
    }
}

impl Character {
    /// The compact JSON text the API takes as `config` (create) or `characterFile`
    /// (update).
    pub fn to_config_string(&self) -> String {
        // A struct of strings, vectors and JSON values always serializes.
        serde_json::to_string(self).unwrap_or_default()
    }

    #[cfg(feature = "schema")]
    /// The JSON Schema of a character file (also published as
    /// `openapi/character.schema.json`).
    pub fn json_schema() -> schemars::schema::RootSchema {
        schemars::schema_for!(Character)
    }

    #[cfg(feature = "schema")]
    /// [`Character::json_schema`] as the text of `openapi/character.schema.json`: pretty JSON
    /// and a final newline. `cargo xtask codegen` writes the file from it, and `--check`
    /// compares the file with it byte for byte.
    ///
    /// ```
    /// let text = fleek_api::character::Character::json_schema_text();
    /// assert!(text.contains("\"modelProvider\""));
    /// assert!(text.ends_with("}\n"));
    /// ```
    pub fn json_schema_text() -> String {
        // A schema is plain JSON data: serializing it cannot fail.
        let mut text = serde_json::to_string_pretty(&Self::json_schema()).unwrap_or_default();
        text.push('\n');
        text
    }
}
