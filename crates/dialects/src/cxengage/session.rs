//! CxEngage's session documents: the answer to `POST /v1/tokens` and to `POST /v1/login`.
//!
//! The JS SDK reads `token` from the first, and `result.tenants` (each with `tenantId` and
//! `tenantPermissions`), `result.userId`, `firstName` and `lastName` from the second.
//! Interlog's user is the API key: its id is the user id and the username; it has no name.

use serde_json::{json, Value};

/// The answer to a token request.
pub fn token(token: &str, ttl_seconds: i64) -> Value {
    json!({"token": token, "ttl": ttl_seconds})
}

/// One tenant of the user, with the permissions the credential carries there.
pub struct TenantAccess<'a> {
    pub tenant_id: &'a str,
    pub permissions: Vec<&'a str>,
}

/// The answer to a login with a token.
pub fn login(user_id: &str, tenants: &[TenantAccess]) -> Value {
    let tenants: Vec<Value> = tenants
        .iter()
        .map(|t| {
            json!({
                "tenantId": t.tenant_id,
                "tenantName": t.tenant_id,
                "tenantActive": true,
                "tenantPermissions": t.permissions,
            })
        })
        .collect();
    json!({"result": {
        "userId": user_id,
        "username": user_id,
        "firstName": null,
        "lastName": null,
        "tenants": tenants,
    }})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_lists_the_tenants_with_their_permissions() {
        let answer = login(
            "key_1",
            &[TenantAccess {
                tenant_id: "acme",
                permissions: vec!["INTERACTIONS_API_READ_ALL"],
            }],
        );
        assert_eq!(answer["result"]["userId"], "key_1");
        assert_eq!(answer["result"]["tenants"][0]["tenantId"], "acme");
        assert_eq!(
            answer["result"]["tenants"][0]["tenantPermissions"],
            json!(["INTERACTIONS_API_READ_ALL"])
        );
    }
}
