//! `auth-server create-admin --username NAME [--promote]`: creates an admin, or sets the
//! password of an existing admin, in the configured database; an existing ordinary account
//! is made admin only with `--promote`, and either change ends all the account's sessions.
//! The password comes from stdin when stdin is not a terminal (scripts), else from a
//! prompt without echo. It is never logged or printed.

use std::io::{BufRead, IsTerminal};

use anyhow::{Context, bail};
use secrecy::ExposeSecret;

use crate::domain::users::provision::{Provisioned, Provisioner, provision_admin};
use crate::settings::{Secret, Settings};

/// `create-admin` options.
#[derive(Debug, clap::Args)]
pub struct CreateAdminArgs {
    /// The admin's username.
    #[arg(long)]
    pub username: String,
    /// Make an existing ordinary account an admin (ending all its sessions).
    #[arg(long)]
    pub promote: bool,
}

/// Creates or promotes the admin.
pub async fn run(mut settings: Settings, args: &CreateAdminArgs) -> anyhow::Result<()> {
    if let Err(msg) = crate::domain::users::validate::username(&args.username) {
        bail!("username: {msg}");
    }
    let password = read_password(&args.username)?;
    if let Err(msg) = crate::domain::users::validate::password(password.expose_secret()) {
        bail!("password: {msg}");
    }
    settings.admin_username = None;
    settings.admin_password = None;
    let state = crate::app::build_state(settings).await?;
    let by = Provisioner::CreateAdmin { promote: args.promote };
    let outcome = provision_admin(&state, &args.username, password, by).await?;
    let what = match outcome {
        Provisioned::Created => "created",
        Provisioned::Unchanged => "unchanged",
        Provisioned::PasswordSet => "given the new password; its sessions were ended",
        Provisioned::Promoted => "promoted to admin with the new password; its sessions were ended",
    };
    eprintln!("admin account {:?}: {what}", args.username);
    Ok(())
}

fn read_password(username: &str) -> anyhow::Result<Secret> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        return read_line(stdin.lock());
    }
    let first = rpassword::prompt_password(format!("Password for {username}: ")).context("reading the password")?;
    let again = rpassword::prompt_password("Repeat the password: ").context("reading the password")?;
    if first != again {
        bail!("the passwords do not match");
    }
    Ok(Secret::from(first))
}

/// The first line of `input`, without its line ending.
fn read_line(mut input: impl BufRead) -> anyhow::Result<Secret> {
    let mut line = String::new();
    input.read_line(&mut line).context("reading the password from stdin")?;
    let password = line.strip_suffix('\n').unwrap_or(&line);
    let password = password.strip_suffix('\r').unwrap_or(password);
    if password.is_empty() {
        bail!("no password on stdin");
    }
    Ok(Secret::from(password))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stdin_password_keeps_inner_spaces_and_drops_the_line_ending() {
        assert_eq!(
            read_line(&b"correct horse battery\r\nrest"[..]).unwrap().expose_secret(),
            "correct horse battery"
        );
        assert_eq!(read_line(&b" pass word "[..]).unwrap().expose_secret(), " pass word ");
        assert!(read_line(&b"\n"[..]).is_err());
        assert!(read_line(&b""[..]).is_err());
    }
}
