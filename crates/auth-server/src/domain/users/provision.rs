//! The admin account an operator names: at start-up (`AUTH_ADMIN_USERNAME` with
//! `AUTH_ADMIN_PASSWORD`) and with `auth-server create-admin`. Neither turns an existing
//! ordinary account into an admin by surprise: anyone may have registered the name the
//! operator later chose, and that person's sessions would become admin sessions. So an
//! ordinary account is promoted only when `create-admin --promote` says so, and promotion,
//! like any password the operator sets, ends every session the account had.

use anyhow::{Context, bail};
use secrecy::ExposeSecret;

use crate::domain::audit::{self, AuditEvent, Subject};
use crate::domain::sessions::end::end_user_access;
use crate::domain::users::validate;
use crate::infra::store::{NewUser, Role, StoreError, User, UserUpdate};
use crate::settings::Secret;
use crate::state::AppState;

/// Who names the admin: start-up keeps a matching password as it is (it runs on every
/// start); `create-admin` always sets the password it was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provisioner {
    /// `AUTH_ADMIN_USERNAME` / `AUTH_ADMIN_PASSWORD` at start-up.
    Startup,
    /// `create-admin`, with or without `--promote`.
    CreateAdmin { promote: bool },
}

/// What became of the named account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provisioned {
    /// A new admin account.
    Created,
    /// An admin already, with this password.
    Unchanged,
    /// An admin already; the new password is set and its sessions ended.
    PasswordSet,
    /// An ordinary account made admin (with the new password); its sessions ended.
    Promoted,
}

/// Makes `username` an admin with `password`, as `by` allows.
pub async fn provision_admin(state: &AppState, username: &str, password: Secret, by: Provisioner) -> anyhow::Result<Provisioned> {
    validate::username(username).map_err(|msg| anyhow::anyhow!("admin username: {msg}"))?;
    validate::password(password.expose_secret()).map_err(|msg| anyhow::anyhow!("admin password: {msg}"))?;
    let existing = match state.store.user_by_username(username).await? {
        Some(user) => user,
        None => match create(state, username, &password).await? {
            Some(_) => return Ok(Provisioned::Created),
            // Another instance created it meanwhile: treat it as existing.
            None => state
                .store
                .user_by_username(username)
                .await?
                .context("the admin account vanished while it was being created")?,
        },
    };
    match (existing.role, by) {
        (Role::User, Provisioner::CreateAdmin { promote: true }) => {
            set_password(state, &existing, password).await?;
            let promote = UserUpdate {
                role: Some(Role::Admin),
                now: crate::infra::clock::now(),
                ..UserUpdate::default()
            };
            state.store.update_user(existing.id, promote).await?;
            let ended = end_user_access(state, existing.id).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            audit::record(
                AuditEvent::UserPromoted,
                Subject::default().user(existing.id).sessions_revoked(ended),
            );
            Ok(Provisioned::Promoted)
        }
        (Role::User, _) => bail!(
            "{username:?} is an existing account that is not an admin; to make it one (which ends all of \
             its sessions), run `auth-server create-admin --username {username} --promote`"
        ),
        (Role::Admin, Provisioner::Startup) if password_matches(state, &existing, &password).await? => Ok(Provisioned::Unchanged),
        (Role::Admin, _) => {
            set_password(state, &existing, password).await?;
            let ended = end_user_access(state, existing.id).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            audit::record(
                AuditEvent::PasswordSet,
                Subject::default().user(existing.id).sessions_revoked(ended),
            );
            Ok(Provisioned::PasswordSet)
        }
    }
}

/// Creates the admin; `None` when the name was taken meanwhile.
async fn create(state: &AppState, username: &str, password: &Secret) -> anyhow::Result<Option<User>> {
    let password_hash = state.hasher.hash(password.expose_secret().to_string()).await?;
    let user = NewUser {
        username: username.to_string(),
        password_hash,
        role: Role::Admin,
        email: None,
        mobile: None,
        age: None,
        birth: None,
        now: crate::infra::clock::now(),
    };
    match state.store.create_user(user).await {
        Ok(user) => {
            audit::record(AuditEvent::UserPromoted, Subject::default().user(user.id));
            Ok(Some(user))
        }
        Err(StoreError::Conflict(_)) => Ok(None),
        Err(e) => Err(e).context("creating the admin account"),
    }
}

async fn set_password(state: &AppState, user: &User, password: Secret) -> anyhow::Result<()> {
    let hash = state.hasher.hash(password.expose_secret().to_string()).await?;
    state.store.set_password_hash(user.id, &hash).await?;
    Ok(())
}

async fn password_matches(state: &AppState, user: &User, password: &Secret) -> anyhow::Result<bool> {
    Ok(state
        .hasher
        .verify(
            password.expose_secret().to_string(),
            Some(user.password_hash.clone()),
            crate::infra::password::Lane::Normal,
        )
        .await?)
}

/// The start-up admin, when configured.
pub async fn ensure_startup_admin(state: &AppState) -> anyhow::Result<()> {
    let Some((username, password)) = state.settings.admin() else {
        return Ok(());
    };
    let outcome = provision_admin(state, username, password.clone(), Provisioner::Startup).await?;
    tracing::info!(%username, ?outcome, "admin account ready");
    Ok(())
}
