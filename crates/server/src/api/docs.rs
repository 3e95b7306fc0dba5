//! The OpenAPI 3.1 description of the HTTP API, assembled from the handlers' own
//! annotations so it cannot list a route the router lacks (or miss one it has).

use utoipa::openapi::path::Operation;
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr};
use utoipa::Modify;

/// Security scheme of admin and own-session calls: a session token.
pub const SESSION: &str = "session_token";
/// Security scheme of resource servers: an API key secret.
pub const API_KEY: &str = "api_key";

#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "Sessiondesk authority",
        description = "Sign-in with session policies, token introspection, and the admin API \
                       of the Sessiondesk console. Every error is `application/problem+json` \
                       (RFC 9457) with a stable `code`.",
        license(name = "Apache-2.0", identifier = "Apache-2.0"),
    ),
    // Query parameter enums are not collected from the handlers; name them here.
    components(schemas(
        sessiondesk_protocol::Problem,
        sessiondesk_protocol::StatusFilter,
        sessiondesk_protocol::SessionSort,
        sessiondesk_protocol::Order,
        sessiondesk_protocol::SessionKind,
        sessiondesk_protocol::Role,
    )),
    modifiers(&Conventions),
    tags(
        (name = "auth", description = "Sign-in and the caller's own sessions"),
        (name = "oauth2", description = "Token introspection and revocation for resource servers"),
        (name = "admin", description = "The console's API, scoped to the caller's org and role"),
        (name = "ops", description = "Health, metrics and this description"),
    )
)]
pub struct ApiDoc;

/// What holds for every operation and so is not repeated on each: the security schemes,
/// and a `default` problem+json answer for the errors an operation does not list.
struct Conventions;

impl Modify for Conventions {
    fn modify(&self, doc: &mut OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            SESSION,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("A session token from `POST /v1/auth/login`."))
                    .build(),
            ),
        );
        components.add_security_scheme(
            API_KEY,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("A resource server's API key secret."))
                    .build(),
            ),
        );
    }
}

fn problem(description: &str) -> RefOr<Response> {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/problem+json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build(),
        )
        .build()
        .into()
}

/// Adds the answers every operation shares: 401 where a credential is needed, 403 on
/// the admin API (the caller's role), and a `default` problem answer for the rest. Run
/// after the paths are merged.
pub fn add_shared_answers(doc: &mut OpenApi) {
    for (path, item) in doc.paths.paths.iter_mut() {
        let ops: [&mut Option<Operation>; 5] = [
            &mut item.get,
            &mut item.post,
            &mut item.put,
            &mut item.delete,
            &mut item.patch,
        ];
        for op in ops.into_iter().flatten() {
            let answers = &mut op.responses.responses;
            if op.security.is_some() {
                answers.entry("401".into()).or_insert_with(|| {
                    problem("`unauthenticated`: no valid credential, or it has ended")
                });
            }
            if path.starts_with("/v1/admin/") {
                answers.entry("403".into()).or_insert_with(|| {
                    problem("`forbidden`: the caller's role does not allow this")
                });
            }
            answers
                .entry("default".into())
                .or_insert_with(|| problem("An error, with a stable `code`."));
        }
    }
}
