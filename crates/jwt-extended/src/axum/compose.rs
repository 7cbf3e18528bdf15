//! Policies made from other policies, one line per route instead of one type per
//! combination: [`Require`] adds authorization rules, [`SkipRevocation`] is FJE's
//! `skip_revocation_check=True`, [`Only`] is FJE's `locations=[...]`.
//!
//! All three are [`Amend`] with a different [`Amendment`], so the constants of the policy
//! underneath are carried over in one place.

use std::marker::PhantomData;

use super::policy::{Access, Policy};
use crate::authorization::Rule;
use crate::claims::DecodedToken;
use crate::config::TokenLocation;
use crate::manager::TypeCheck;

mod sealed {
    pub trait Sealed {}
}

/// Policy `P` changed by amendment `M`; written through the aliases [`Require`],
/// [`SkipRevocation`] and [`Only`], which nest: `Require<Admin, Only<location::Cookies,
/// Fresh>>`.
pub struct Amend<P, M>(PhantomData<fn() -> (P, M)>);

/// What an [`Amend`] changes in its policy: the locations searched, the revocation check,
/// an extra authorization test. Sealed: the ones below are all there is.
pub trait Amendment: sealed::Sealed + Send + Sync + 'static {
    /// Search only these locations, in this order.
    const LOCATIONS: Option<&'static [TokenLocation]> = None;
    /// Skip the revocation check.
    const SKIP_REVOCATION: bool = false;
    /// An authorization test added to the policy's own.
    fn allows(_token: &DecodedToken) -> bool {
        true
    }
}

impl<P: Policy, M: Amendment> Policy for Amend<P, M> {
    const TYPE: TypeCheck = P::TYPE;
    const FRESH: bool = P::FRESH;
    const LOCATIONS: Option<&'static [TokenLocation]> = match M::LOCATIONS {
        Some(locations) => Some(locations),
        None => P::LOCATIONS,
    };
    const SKIP_REVOCATION: bool = P::SKIP_REVOCATION || M::SKIP_REVOCATION;
    const INVALID_AS_ANONYMOUS: bool = P::INVALID_AS_ANONYMOUS;

    fn authorize(token: &DecodedToken) -> bool {
        P::authorize(token) && M::allows(token)
    }
}

/// The amendment of [`Require`]: rule `R` (a [`Rule`] or a tuple of rules) must allow.
pub struct Rules<R>(PhantomData<fn() -> R>);
impl<R> sealed::Sealed for Rules<R> {}
impl<R: Rule> Amendment for Rules<R> {
    fn allows(token: &DecodedToken) -> bool {
        R::allows(token)
    }
}

/// The amendment of [`SkipRevocation`].
pub struct NoRevocationCheck;
impl sealed::Sealed for NoRevocationCheck {}
impl Amendment for NoRevocationCheck {
    const SKIP_REVOCATION: bool = true;
}

/// The amendment of [`Only`]: locations `L`.
pub struct InLocations<L>(PhantomData<fn() -> L>);
impl<L> sealed::Sealed for InLocations<L> {}
impl<L: Locations> Amendment for InLocations<L> {
    const LOCATIONS: Option<&'static [TokenLocation]> = Some(L::LIST);
}

/// Policy `P` (an access token by default) plus rule `R` (a [`Rule`], or a tuple of
/// rules that must all allow).
///
/// ```
/// use jwt_extended::{DecodedToken, Fresh, Jwt, Require, Rule, claim_equals, scope_includes};
/// struct Admin;
/// impl Rule for Admin {
///     fn allows(token: &DecodedToken) -> bool { claim_equals(&token.claims, "role", "admin") }
/// }
/// struct WriteItems;
/// impl Rule for WriteItems {
///     fn allows(token: &DecodedToken) -> bool { scope_includes(&token.claims, "items:write") }
/// }
/// async fn admin_page(_: Jwt<Require<Admin>>) {}
/// async fn delete_item(_: Jwt<Require<(Admin, WriteItems), Fresh>>) {}
/// ```
pub type Require<R, P = Access> = Amend<P, Rules<R>>;

/// Policy `P` without the revocation check (FJE `skip_revocation_check=True`): for a
/// logout route that must accept an already revoked token, say.
///
/// ```
/// use jwt_extended::{Jwt, Refresh, SkipRevocation};
/// async fn logout(_: Jwt<SkipRevocation>) {}
/// async fn forget_refresh(_: Jwt<SkipRevocation<Refresh>>) {}
/// ```
pub type SkipRevocation<P = Access> = Amend<P, NoRevocationCheck>;

/// Policy `P` with the token searched only in locations `L`, in that order (FJE
/// `locations=[...]`): one [`location`] marker or a tuple of them.
///
/// ```
/// use jwt_extended::{Jwt, Only, Refresh, location};
/// async fn refresh(_: Jwt<Only<location::Cookies, Refresh>>) {}
/// async fn api(_: Jwt<Only<(location::Headers, location::QueryString)>>) {}
/// ```
pub type Only<L, P = Access> = Amend<P, InLocations<L>>;

/// The token locations as types, for [`Only`].
pub mod location {
    use super::sealed::Sealed;
    use crate::config::TokenLocation;

    /// One token location as a type.
    pub trait Location: Sealed + Send + Sync + 'static {
        /// The location it stands for.
        const LOCATION: TokenLocation;
    }

    /// [`TokenLocation::Headers`].
    pub struct Headers;
    /// [`TokenLocation::Cookies`].
    pub struct Cookies;
    /// [`TokenLocation::QueryString`].
    pub struct QueryString;
    /// [`TokenLocation::Json`] (needs the layer, which reads the body).
    pub struct Json;

    impl Sealed for Headers {}
    impl Sealed for Cookies {}
    impl Sealed for QueryString {}
    impl Sealed for Json {}
    impl Location for Headers {
        const LOCATION: TokenLocation = TokenLocation::Headers;
    }
    impl Location for Cookies {
        const LOCATION: TokenLocation = TokenLocation::Cookies;
    }
    impl Location for QueryString {
        const LOCATION: TokenLocation = TokenLocation::QueryString;
    }
    impl Location for Json {
        const LOCATION: TokenLocation = TokenLocation::Json;
    }
}

/// One [`location`] marker or a tuple of up to four: the list [`Only`] searches.
pub trait Locations: Send + Sync + 'static {
    /// The locations, in order.
    const LIST: &'static [TokenLocation];
}

impl<A: location::Location> Locations for A {
    const LIST: &'static [TokenLocation] = &[A::LOCATION];
}

impl<A: location::Location, B: location::Location> Locations for (A, B) {
    const LIST: &'static [TokenLocation] = &[A::LOCATION, B::LOCATION];
}

impl<A: location::Location, B: location::Location, C: location::Location> Locations for (A, B, C) {
    const LIST: &'static [TokenLocation] = &[A::LOCATION, B::LOCATION, C::LOCATION];
}

impl<A: location::Location, B: location::Location, C: location::Location, D: location::Location> Locations for (A, B, C, D) {
    const LIST: &'static [TokenLocation] = &[A::LOCATION, B::LOCATION, C::LOCATION, D::LOCATION];
}
