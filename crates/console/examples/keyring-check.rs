//! Drives the console's keyring store from the command line, one call per process, so the
//! test set-up can check that a token survives a restart of the console:
//! `keyring-check set PROFILE TOKEN`, `get PROFILE` (prints the token or `<none>`),
//! `delete PROFILE`.

use sessiondesk_console::secrets::{Keyring, Secrets};
use sessiondesk_protocol::Secret;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let store = Keyring::new();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["set", id, token] => store.set(id, &Secret::new(*token))?,
        ["get", id] => match store.get(id)? {
            Some(t) => println!("{}", t.expose()),
            None => println!("<none>"),
        },
        ["delete", id] => store.delete(id)?,
        _ => return Err("usage: keyring-check set ID TOKEN | get ID | delete ID".into()),
    }
    Ok(())
}
