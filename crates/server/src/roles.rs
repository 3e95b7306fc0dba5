//! Who may do what in the admin API. One table, so a test can check every cell.

use sessiondesk_protocol::Role;

/// A kind of admin call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Sessions, users, login history, audit, the change feed and the policy.
    Read,
    /// End one session, or a user's sessions.
    RevokeSessions,
    LockUsers,
    /// End every session of the org but the caller's.
    RevokeAll,
    ManagePolicy,
    /// List, create and revoke resource-server API keys.
    ManageApiKeys,
}

impl Permission {
    pub const ALL: [Permission; 6] = [
        Permission::Read,
        Permission::RevokeSessions,
        Permission::LockUsers,
        Permission::RevokeAll,
        Permission::ManagePolicy,
        Permission::ManageApiKeys,
    ];

    /// For error messages and tooltips: "ending sessions is not allowed for ...".
    pub fn describe(self) -> &'static str {
        match self {
            Permission::Read => "reading the admin data",
            Permission::RevokeSessions => "ending sessions",
            Permission::LockUsers => "locking and unlocking accounts",
            Permission::RevokeAll => "signing out the whole team",
            Permission::ManagePolicy => "changing the session policy",
            Permission::ManageApiKeys => "managing API keys",
        }
    }
}

/// The role table of the contract: owner all; admin all but API keys and policy; helpdesk
/// reads, revokes, locks, but no team-wide revoke; auditor reads; member nothing.
pub fn allows(role: Role, p: Permission) -> bool {
    use Permission::*;
    match role {
        Role::Owner => true,
        Role::Admin => !matches!(p, ManagePolicy | ManageApiKeys),
        Role::Helpdesk => matches!(p, Read | RevokeSessions | LockUsers),
        Role::Auditor => p == Read,
        Role::Member => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_of_the_contract() {
        let count = |r| Permission::ALL.iter().filter(|p| allows(r, **p)).count();
        assert_eq!(count(Role::Owner), 6);
        assert_eq!(count(Role::Admin), 4);
        assert_eq!(count(Role::Helpdesk), 3);
        assert!(!allows(Role::Helpdesk, Permission::RevokeAll));
        assert_eq!(count(Role::Auditor), 1);
        assert_eq!(count(Role::Member), 0);
    }
}
