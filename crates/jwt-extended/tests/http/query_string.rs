//! The query-string location: `?jwt=<token>`, a custom parameter name and value prefix.

use jwt_extended::{InvalidTokenStatus, JwtManagerBuilder, TokenLocation};

use crate::support::{app, builder, get};

fn query() -> JwtManagerBuilder {
    builder().token_locations([TokenLocation::QueryString])
}

#[tokio::test]
async fn token_in_the_query_string() {
    let jwt = query().build().unwrap();
    let token = jwt.create_access_token("alice").unwrap();
    let reply = get(&format!("/protected?a=1&jwt={token}&b=2")).send(&app(&jwt)).await;
    reply.assert_ok_as("alice");
    assert_eq!(reply.json()["location"], "query_string");
}

#[tokio::test]
async fn missing_or_empty_parameter() {
    let jwt = query().build().unwrap();
    for uri in ["/protected", "/protected?jwt=", "/protected?other=x"] {
        get(uri).send(&app(&jwt)).await.assert_error(401, "Missing 'jwt' query paramater");
    }
}

#[tokio::test]
async fn custom_name_with_value_prefix() {
    let jwt = query()
        .query_string_name("token")
        .query_string_value_prefix("Bearer ")
        .build()
        .unwrap();
    let token = jwt.create_access_token("alice").unwrap();
    let app = app(&jwt);
    get(&format!("/protected?token=Bearer%20{token}"))
        .send(&app)
        .await
        .assert_ok_as("alice");
    // `+` is a space in a query string, as in Werkzeug.
    get(&format!("/protected?token=Bearer+{token}"))
        .send(&app)
        .await
        .assert_ok_as("alice");
    get(&format!("/protected?jwt=Bearer+{token}"))
        .send(&app)
        .await
        .assert_error(401, "Missing 'token' query paramater");
}

#[tokio::test]
async fn value_without_the_prefix_is_invalid() {
    let msg = "Invalid value for query parameter 'token'. Expected the value to start with 'Bearer '";
    for (style, status) in [(InvalidTokenStatus::Unauthorized, 401), (InvalidTokenStatus::FlaskCompat, 422)] {
        let jwt = query()
            .query_string_name("token")
            .query_string_value_prefix("Bearer ")
            .invalid_token_status(style)
            .build()
            .unwrap();
        let token = jwt.create_access_token("alice").unwrap();
        get(&format!("/protected?token={token}"))
            .send(&app(&jwt))
            .await
            .assert_error(status, msg);
    }
}

#[tokio::test]
async fn percent_encoded_token_is_decoded() {
    let jwt = query().build().unwrap();
    let token = jwt.create_access_token("alice").unwrap();
    let encoded = token.replace('.', "%2E");
    get(&format!("/protected?jwt={encoded}"))
        .send(&app(&jwt))
        .await
        .assert_ok_as("alice");
}
