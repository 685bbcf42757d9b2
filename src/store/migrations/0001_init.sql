-- callnudge schema 1: the records sled keeps in its trees, one table each.
-- Names compare byte by byte (COLLATE "C"), so lists come in sled's key order.
-- Values are the same JSON sled stores; the columns beside them are what queries need.

CREATE TABLE notes (
    id       bigint PRIMARY KEY,           -- counted from 1, or derived from a chat event (>= 2^52)
    team     text COLLATE "C" NOT NULL,
    rep      text COLLATE "C" NOT NULL,
    at_us    bigint NOT NULL,              -- the note's time, µs since the epoch
    has_text boolean NOT NULL,             -- false once retention dropped the text
    body     text NOT NULL                 -- the NoteRecord as JSON
);
CREATE INDEX notes_by_rep ON notes (team, rep, at_us, id);
CREATE INDEX notes_by_time ON notes (team, at_us, id);

-- Ids of notes typed in: 1, 2, 3, … (a person types them in `dispute --note`).
CREATE SEQUENCE note_ids AS bigint;

CREATE TABLE teams (
    team     text COLLATE "C" PRIMARY KEY,
    settings text NOT NULL                 -- TeamSettings as JSON
);

CREATE TABLE reps (
    team  text COLLATE "C" NOT NULL,
    rep   text COLLATE "C" NOT NULL,
    prefs text NOT NULL,                   -- RepPrefs as JSON
    PRIMARY KEY (team, rep)
);

CREATE TABLE disputes (
    team  text COLLATE "C" NOT NULL,
    rule  text COLLATE "C" NOT NULL,
    rep   text COLLATE "C" NOT NULL,
    note  bigint NOT NULL,
    at_us bigint,                          -- null for disputes kept before their time was
    PRIMARY KEY (team, rule, rep, note)
);

-- The latest week whose digest was sent: claimed once per team and week, whichever process
-- gets there first.
CREATE TABLE digests (
    team text COLLATE "C" PRIMARY KEY,
    year integer NOT NULL,
    week integer NOT NULL
);

-- Chat event ids already stored, for retry deduplication across processes.
CREATE TABLE events (
    event text COLLATE "C" PRIMARY KEY,
    at_s  bigint NOT NULL                  -- the note's time, seconds since the epoch
);
CREATE INDEX events_by_time ON events (at_s);

-- Housekeeping times (the last retention purge, the last health probe).
CREATE TABLE meta (
    key   text COLLATE "C" PRIMARY KEY,
    at_us bigint NOT NULL
);
