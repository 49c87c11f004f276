//! JSON read from text: the answers of the server functions whose values the islands also get
//! as props. Leptos decodes an island's props with `serde_json::from_str`; server functions
//! decode JSON with `from_slice` by default, and serde compiles a second decoder of every type
//! for that reader. Decoding the answers from text too keeps one decoder of `TaskDetail` and
//! `TaskPage` in the download (BENCHMARKS.md, "Download size"). The bytes on the wire are
//! ordinary JSON either way.

use leptos::server_fn::codec::Post;
use leptos::server_fn::{Bytes, ContentType, Decodes, Encodes, Format, FormatType};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// JSON, decoded from UTF-8 text.
pub struct JsonTextEncoding;

/// A server function's output as [`JsonTextEncoding`].
pub type JsonText = Post<JsonTextEncoding>;

impl ContentType for JsonTextEncoding {
    const CONTENT_TYPE: &'static str = "application/json";
}

impl FormatType for JsonTextEncoding {
    const FORMAT_TYPE: Format = Format::Text;
}

impl<T: Serialize> Encodes<T> for JsonTextEncoding {
    type Error = serde_json::Error;

    fn encode(output: &T) -> Result<Bytes, Self::Error> {
        serde_json::to_vec(output).map(Bytes::from)
    }
}

impl<T: DeserializeOwned> Decodes<T> for JsonTextEncoding {
    type Error = serde_json::Error;

    fn decode(bytes: Bytes) -> Result<T, Self::Error> {
        let text = std::str::from_utf8(&bytes).map_err(serde::de::Error::custom)?;
        serde_json::from_str(text)
    }
}
