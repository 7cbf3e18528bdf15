-- One name, one account: the RFC 8265 UsernameCaseMapped form of every username
-- (width-mapped, case-folded, NFC), unique, so `VICKY` and `ｖｉｃｋｙ` cannot become
-- accounts beside `vicky`. SQL cannot case-fold Unicode, so the server fills the column
-- for existing rows at start-up (`backfill_username_keys` in store/sql.rs); an account whose key another,
-- older account already holds keeps a NULL key (it is reported in the log and cannot log
-- in until an administrator renames it).
ALTER TABLE users ADD COLUMN username_key TEXT;
CREATE UNIQUE INDEX users_by_username_key ON users (username_key);
