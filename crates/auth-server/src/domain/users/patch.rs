//! The body of `PATCH /api/v1/users/me` and `PATCH /api/v1/users/{id}`: only the fields
//! present change, `null` clears one; `role` and `disabled` need an admin and never
//! apply to the admin's own account.

use serde::Deserialize;

use crate::domain::users::fields;
use crate::domain::users::validate::{self, FieldErrors, WholeNumber, present};
use crate::http::error::ApiError;
use crate::infra::store::{Role, UserUpdate};

/// Profile changes.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserPatch {
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = fields::email)]
    pub email: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = fields::mobile)]
    pub mobile: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = fields::age)]
    pub age: Option<Option<WholeNumber>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = fields::birth)]
    pub birth: Option<Option<String>>,
    /// Admins only, not on their own account.
    #[serde(default)]
    pub role: Option<Role>,
    /// Admins only, not on their own account: a disabled account cannot log in or
    /// refresh, and its sessions end.
    #[serde(default)]
    pub disabled: Option<bool>,
}

impl UserPatch {
    /// Validates the present values and turns them into a store update. A `role` from a
    /// caller who is not an admin is refused with 403.
    pub fn into_update(self, caller_is_admin: bool) -> Result<UserUpdate, ApiError> {
        if (self.role.is_some() || self.disabled.is_some()) && !caller_is_admin {
            return Err(ApiError::Forbidden("Admin privilege required"));
        }
        let mut errors = FieldErrors::default();
        validate::profile(
            &mut errors,
            self.email.as_ref().and_then(Option::as_deref),
            self.mobile.as_ref().and_then(Option::as_deref),
            self.age.flatten().map(|a| a.0),
            self.birth.as_ref().and_then(Option::as_deref),
        );
        errors.finish()?;
        Ok(UserUpdate {
            email: self.email,
            mobile: self.mobile,
            age: self.age.map(|a| a.map(|a| a.0)),
            birth: self.birth,
            role: self.role,
            disabled: self.disabled,
            now: crate::infra::clock::now(),
        })
    }

    /// 400 when the patch would take an account's own admin role away or disable it: the
    /// last admin must not lock everyone out by a slip.
    pub fn refuse_own_privilege_change(&self) -> Result<(), ApiError> {
        if self.role == Some(Role::User) {
            return Err(ApiError::field("role", "cannot be taken from your own account"));
        }
        if self.disabled == Some(true) {
            return Err(ApiError::field("disabled", "cannot be set on your own account"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_null_and_values_are_told_apart() {
        let patch: UserPatch = serde_json::from_str(r#"{"email": null, "age": 30}"#).unwrap();
        let update = patch.into_update(false).unwrap();
        assert_eq!(update.email, Some(None));
        assert_eq!(update.age, Some(Some(30)));
        assert_eq!(update.mobile, None);
        assert!(serde_json::from_str::<UserPatch>(r#"{"password": "x"}"#).is_err());
    }

    #[test]
    fn role_needs_an_admin() {
        let patch = || serde_json::from_str::<UserPatch>(r#"{"role": "admin"}"#).unwrap();
        assert!(matches!(patch().into_update(false), Err(ApiError::Forbidden(_))));
        assert_eq!(patch().into_update(true).unwrap().role, Some(Role::Admin));
    }
}
