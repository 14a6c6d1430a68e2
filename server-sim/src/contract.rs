//! The OpenAPI document as a checker: every schema it names (request bodies, responses per
//! status, components) compiled once into a JSON Schema 2020-12 validator. The document is
//! the only source of truth; nothing here repeats what a body must look like.

use std::collections::{BTreeMap, HashMap};

use jsonschema::Validator;
use serde_json::{json, Value};

/// The protocol document, embedded so the simulator and its users check against the very
/// file CI validates.
pub const OPENAPI_YAML: &str = include_str!("../../docs/protocol/openapi.yaml");

/// Why the document could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ContractError {
    /// Not YAML, or not the shape of an OpenAPI document.
    #[error("openapi document is not readable: {0}")]
    Parse(String),
    /// A schema in it does not compile.
    #[error("schema {pointer} does not compile: {message}")]
    Schema {
        /// JSON pointer of the schema in the document.
        pointer: String,
        /// The compiler's message.
        message: String,
    },
    /// An operation id the caller named is not in the document.
    #[error("operation {0} is not in the openapi document")]
    UnknownOperation(String),
    /// A status the operation does not declare.
    #[error("operation {operation} does not declare status {status}")]
    UndeclaredStatus {
        /// The operation id.
        operation: String,
        /// The HTTP status.
        status: u16,
    },
}

/// One operation's request and response schemas, by JSON pointer (`None`: no body).
#[derive(Debug, Clone, Default)]
pub struct Operation {
    /// HTTP method, upper case.
    pub method: String,
    /// Path template, e.g. `/stations/{station_id}/claims`.
    pub path: String,
    /// Schema of the JSON request body.
    pub request: Option<String>,
    /// Schema of the JSON answer per declared status.
    pub responses: BTreeMap<u16, Option<String>>,
}

/// An example found in the document, with the schema it must satisfy.
#[derive(Debug, Clone)]
pub struct Example {
    /// JSON pointer of the example.
    pub location: String,
    /// JSON pointer of the schema.
    pub schema: String,
    /// The example value.
    pub value: Value,
}

/// The compiled document.
pub struct Contract {
    doc: Value,
    operations: HashMap<String, Operation>,
    validators: HashMap<String, Validator>,
}

impl std::fmt::Debug for Contract {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Contract")
            .field("operations", &self.operations.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

const METHODS: [&str; 5] = ["get", "post", "put", "delete", "patch"];

fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

impl Contract {
    /// Compiles the embedded `docs/protocol/openapi.yaml`.
    pub fn load() -> Result<Contract, ContractError> {
        Contract::from_yaml(OPENAPI_YAML)
    }

    /// Compiles an OpenAPI 3.1 document given as YAML (or JSON) text.
    pub fn from_yaml(text: &str) -> Result<Contract, ContractError> {
        let doc: Value =
            serde_norway::from_str(text).map_err(|e| ContractError::Parse(e.to_string()))?;
        let mut c = Contract {
            doc,
            operations: HashMap::new(),
            validators: HashMap::new(),
        };
        c.collect_operations()?;
        let mut pointers: Vec<String> = Vec::new();
        for op in c.operations.values() {
            pointers.extend(op.request.iter().cloned());
            pointers.extend(op.responses.values().flatten().cloned());
        }
        if let Some(schemas) = c
            .doc
            .pointer("/components/schemas")
            .and_then(Value::as_object)
        {
            pointers.extend(
                schemas
                    .keys()
                    .map(|k| format!("/components/schemas/{}", escape(k))),
            );
        }
        for ex in c.examples() {
            pointers.push(ex.schema);
        }
        for p in pointers {
            c.compile(&p)?;
        }
        Ok(c)
    }

    /// The parsed document.
    pub fn document(&self) -> &Value {
        &self.doc
    }

    /// Operations by `operationId`.
    pub fn operations(&self) -> &HashMap<String, Operation> {
        &self.operations
    }

    /// One operation by `operationId`.
    pub fn operation(&self, id: &str) -> Result<&Operation, ContractError> {
        self.operations
            .get(id)
            .ok_or_else(|| ContractError::UnknownOperation(id.to_string()))
    }

    fn compile(&mut self, pointer: &str) -> Result<(), ContractError> {
        if self.validators.contains_key(pointer) {
            return Ok(());
        }
        // The whole document is the root resource, so `#/components/...` references resolve;
        // its OpenAPI keywords are unknown to JSON Schema and ignored.
        let mut root = self.doc.clone();
        if let Value::Object(m) = &mut root {
            m.insert(
                "$schema".into(),
                json!("https://json-schema.org/draft/2020-12/schema"),
            );
            m.insert("$ref".into(), json!(format!("#{}", fragment(pointer))));
        }
        let v = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .should_validate_formats(true)
            .build(&root)
            .map_err(|e| ContractError::Schema {
                pointer: pointer.to_string(),
                message: e.to_string(),
            })?;
        self.validators.insert(pointer.to_string(), v);
        Ok(())
    }

    /// Checks `value` against the schema at `pointer` (a JSON pointer into the document).
    /// Each error is `instance path: message`.
    pub fn validate_pointer(&self, pointer: &str, value: &Value) -> Result<(), Vec<String>> {
        let Some(v) = self.validators.get(pointer) else {
            return Err(vec![format!("no compiled schema at {pointer}")]);
        };
        let errors: Vec<String> = v
            .iter_errors(value)
            .map(|e| {
                let at = e.instance_path().to_string();
                let at = if at.is_empty() { "/".to_string() } else { at };
                format!("{at}: {e}")
            })
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// Checks `value` against `#/components/schemas/{name}`.
    pub fn validate_schema(&self, name: &str, value: &Value) -> Result<(), Vec<String>> {
        self.validate_pointer(&format!("/components/schemas/{}", escape(name)), value)
    }

    /// Checks a request body of an operation (`None`: no body sent).
    pub fn validate_request(
        &self,
        operation: &str,
        body: Option<&Value>,
    ) -> Result<(), Vec<String>> {
        let op = self.operation(operation).map_err(|e| vec![e.to_string()])?;
        match (&op.request, body) {
            (Some(p), Some(b)) => self.validate_pointer(p, b),
            (Some(_), None) => Err(vec!["/: a JSON body is required".into()]),
            (None, None) => Ok(()),
            (None, Some(_)) => Err(vec!["/: this operation takes no body".into()]),
        }
    }

    /// Checks a response: the status must be declared, and the body must match its schema.
    pub fn validate_response(
        &self,
        operation: &str,
        status: u16,
        body: Option<&Value>,
    ) -> Result<(), Vec<String>> {
        let op = self.operation(operation).map_err(|e| vec![e.to_string()])?;
        let Some(schema) = op.responses.get(&status) else {
            return Err(vec![ContractError::UndeclaredStatus {
                operation: operation.to_string(),
                status,
            }
            .to_string()]);
        };
        match (schema, body) {
            (Some(p), Some(b)) => self.validate_pointer(p, b),
            (Some(_), None) => Err(vec![format!("/: status {status} needs a JSON body")]),
            (None, None) => Ok(()),
            (None, Some(_)) => Err(vec![format!("/: status {status} has no body")]),
        }
    }

    /// Every example in the document (media-type `examples`/`example`), with its schema.
    pub fn examples(&self) -> Vec<Example> {
        let mut out = Vec::new();
        walk_media(&self.doc, String::new(), &mut out);
        out
    }

    fn collect_operations(&mut self) -> Result<(), ContractError> {
        let paths = self
            .doc
            .get("paths")
            .and_then(Value::as_object)
            .ok_or_else(|| ContractError::Parse("no paths".into()))?;
        let mut ops = HashMap::new();
        for (path, item) in paths {
            for m in METHODS {
                let Some(op) = item.get(m) else { continue };
                let id = op
                    .get("operationId")
                    .and_then(Value::as_str)
                    .ok_or_else(|| ContractError::Parse(format!("{m} {path}: no operationId")))?;
                let base = format!("/paths/{}/{m}", escape(path));
                let request = op
                    .get("requestBody")
                    .and_then(|_| self.json_schema_at(&format!("{base}/requestBody")));
                let mut responses = BTreeMap::new();
                if let Some(rs) = op.get("responses").and_then(Value::as_object) {
                    for code in rs.keys() {
                        let status: u16 = code.parse().map_err(|_| {
                            ContractError::Parse(format!(
                                "{m} {path}: status {code} is not a number"
                            ))
                        })?;
                        responses.insert(
                            status,
                            self.json_schema_at(&format!("{base}/responses/{}", escape(code))),
                        );
                    }
                }
                ops.insert(
                    id.to_string(),
                    Operation {
                        method: m.to_uppercase(),
                        path: path.clone(),
                        request,
                        responses,
                    },
                );
            }
        }
        self.operations = ops;
        Ok(())
    }

    /// Pointer of the `application/json` schema of a request body or response at `pointer`,
    /// following one `$ref` to `components`.
    fn json_schema_at(&self, pointer: &str) -> Option<String> {
        let mut at = pointer.to_string();
        let node = self.doc.pointer(&at)?;
        if let Some(r) = node.get("$ref").and_then(Value::as_str) {
            at = r.trim_start_matches('#').to_string();
        }
        let media = format!("{at}/content/application~1json/schema");
        self.doc.pointer(&media).map(|_| media)
    }
}

/// A JSON pointer as a URI fragment (path templates hold `{` and `}`).
fn fragment(pointer: &str) -> String {
    let mut out = String::with_capacity(pointer.len());
    for c in pointer.chars() {
        match c {
            'A'..='Z' | 'a'..='z' | '0'..='9' | '/' | '~' | '-' | '_' | '.' => out.push(c),
            _ => {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    out.push_str(&format!("%{b:02X}"));
                }
            }
        }
    }
    out
}

fn walk_media(node: &Value, at: String, out: &mut Vec<Example>) {
    match node {
        Value::Object(m) => {
            if m.contains_key("schema") && (m.contains_key("examples") || m.contains_key("example"))
            {
                let schema = format!("{at}/schema");
                if let Some(Value::Object(exs)) = m.get("examples") {
                    for (name, ex) in exs {
                        if let Some(v) = ex.get("value") {
                            out.push(Example {
                                location: format!("{at}/examples/{}/value", escape(name)),
                                schema: schema.clone(),
                                value: v.clone(),
                            });
                        }
                    }
                }
                if let Some(v) = m.get("example") {
                    out.push(Example {
                        location: format!("{at}/example"),
                        schema: schema.clone(),
                        value: v.clone(),
                    });
                }
            }
            for (k, v) in m {
                walk_media(v, format!("{at}/{}", escape(k)), out);
            }
        }
        Value::Array(a) => {
            for (i, v) in a.iter().enumerate() {
                walk_media(v, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}
