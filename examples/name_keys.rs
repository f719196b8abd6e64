//! Measures name keys on `persons.txt` (lines `form, form, … => WikidataID`, each line the
//! spellings of one person's name): how often a group's spellings share one key, and how
//! often spellings of unrelated groups collide. Groups are split by a hash of their ID into
//! a development half (the one the key's rules were tuned on) and a held-out half; the
//! held-out half is measured unless `--dev` is given. `--misses N` prints N groups whose
//! Latin and Cyrillic spellings do not all share a key, `--collisions N` N keys shared by
//! unrelated groups.
//!
//! Run: cargo run --release --example name_keys -- PATH/persons.txt [--dev] [--misses N]

use std::collections::{HashMap, HashSet};
use std::hint::black_box;
use std::time::Instant;

use anyhow::{Context, bail};
use dossier::index::schema::{analyze, exact_analyzer};
use dossier::text::names::{name_key, name_keys};

/// Cross-group pairs drawn at random for the pair collision rate.
const RANDOM_PAIRS: usize = 2_000_000;

struct Options {
    path: String,
    dev: bool,
    misses: usize,
    collisions: usize,
}

fn options() -> anyhow::Result<Options> {
    let mut args = std::env::args().skip(1);
    let mut options = Options {
        path: String::new(),
        dev: false,
        misses: 0,
        collisions: 0,
    };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--dev" => options.dev = true,
            "--misses" | "--collisions" => {
                let count = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .with_context(|| format!("{arg} takes a number"))?;
                if arg == "--misses" {
                    options.misses = count;
                } else {
                    options.collisions = count;
                }
            }
            path if options.path.is_empty() && !path.starts_with('-') => {
                options.path = path.to_string()
            }
            other => bail!(
                "unknown argument {other}; usage: name_keys PERSONS_TXT [--dev] [--misses N] [--collisions N]"
            ),
        }
    }
    if options.path.is_empty() {
        bail!("usage: name_keys PERSONS_TXT [--dev] [--misses N] [--collisions N]");
    }
    Ok(options)
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
enum Script {
    Latin,
    Cyrillic,
    Greek,
    Arabic,
    Other,
}

fn script_of(word: &str) -> Script {
    match word.chars().find(|c| c.is_alphabetic()).map(|c| c as u32) {
        Some(0x41..=0x24F | 0x1E00..=0x1EFF) => Script::Latin,
        Some(0x400..=0x52F) => Script::Cyrillic,
        Some(0x370..=0x3FF | 0x1F00..=0x1FFF) => Script::Greek,
        Some(0x600..=0x6FF | 0x750..=0x77F) => Script::Arabic,
        _ => Script::Other,
    }
}

/// One group's spellings as the exact analyzer indexes them (forms it splits into several
/// words are left out), each with its script and key.
struct Group {
    id: String,
    spellings: Vec<Spelling>,
}

struct Spelling {
    word: String,
    script: Script,
    /// The spelling's keys: none, one, or a few where the key function gives several.
    keys: Vec<String>,
}

impl Spelling {
    fn shares_key_with(&self, other: &Spelling) -> bool {
        self.keys.iter().any(|key| other.keys.contains(key))
    }
}

/// A key function under measurement.
type Keys = fn(&str) -> Vec<String>;

fn name_key_alone(word: &str) -> Vec<String> {
    name_key(word).into_iter().collect()
}

fn all_name_keys(word: &str) -> Vec<String> {
    name_keys(word)
}

/// The baseline: the word transliterated by any_ascii alone, letters only.
fn transliteration(word: &str) -> Vec<String> {
    let latin: String = any_ascii::any_ascii(word)
        .chars()
        .filter(char::is_ascii_alphabetic)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let letters = word.chars().filter(|c| c.is_alphabetic()).count();
    if letters < 4 || latin.is_empty() {
        return Vec::new();
    }
    vec![latin]
}

fn read_groups(path: &str, dev: bool) -> anyhow::Result<(Vec<Group>, usize)> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {path}"))?;
    let mut analyzer = exact_analyzer();
    let mut groups = Vec::new();
    let mut split_forms = 0;
    for (number, line) in text.lines().enumerate() {
        let Some((forms, id)) = line.rsplit_once(" => ") else {
            bail!("{path}:{}: no ' => ID' in {line:?}", number + 1);
        };
        let in_dev_half = xxhash_rust::xxh3::xxh3_64(id.as_bytes()).is_multiple_of(2);
        if in_dev_half != dev {
            continue;
        }
        let mut words = HashSet::new();
        for form in forms.split(", ") {
            match analyze(&mut analyzer, form).as_slice() {
                [word] => {
                    words.insert(word.clone());
                }
                _ => split_forms += 1,
            }
        }
        let mut words: Vec<String> = words.into_iter().collect();
        words.sort();
        let spellings = words
            .into_iter()
            .map(|word| Spelling {
                script: script_of(&word),
                keys: Vec::new(),
                word,
            })
            .collect();
        groups.push(Group {
            id: id.to_string(),
            spellings,
        });
    }
    Ok((groups, split_forms))
}

fn pair_kind(a: Script, b: Script) -> String {
    let (a, b) = if a <= b { (a, b) } else { (b, a) };
    format!("{a:?}–{b:?}")
}

fn percent(part: usize, whole: usize) -> String {
    if whole == 0 {
        return "-".to_string();
    }
    format!("{:.1}%", 100.0 * part as f64 / whole as f64)
}

fn report_agreement(groups: &[Group], misses: usize) {
    let mut keyed_groups = 0;
    let mut one_key_groups = 0;
    let mut latin_cyrillic_groups = 0;
    let mut latin_cyrillic_one_key = 0;
    let mut pairs: HashMap<String, (usize, usize)> = HashMap::new();
    // Latin spellings of groups with a Cyrillic one, and those sharing a key with one.
    let mut latin_beside_cyrillic = (0, 0);
    let mut shown = 0;
    for group in groups {
        let keyed: Vec<&Spelling> = group
            .spellings
            .iter()
            .filter(|s| !s.keys.is_empty())
            .collect();
        if keyed.len() < 2 {
            continue;
        }
        keyed_groups += 1;
        let all_meet = |spellings: &[&Spelling]| {
            spellings
                .iter()
                .enumerate()
                .all(|(i, a)| spellings[i + 1..].iter().all(|b| a.shares_key_with(b)))
        };
        let one_key = all_meet(&keyed);
        one_key_groups += usize::from(one_key);
        let latin_cyrillic: Vec<&Spelling> = keyed
            .iter()
            .copied()
            .filter(|s| matches!(s.script, Script::Latin | Script::Cyrillic))
            .collect();
        if latin_cyrillic.iter().any(|s| s.script == Script::Latin)
            && latin_cyrillic.iter().any(|s| s.script == Script::Cyrillic)
        {
            latin_cyrillic_groups += 1;
            latin_cyrillic_one_key += usize::from(all_meet(&latin_cyrillic));
            let (latin, cyrillic): (Vec<&Spelling>, Vec<&Spelling>) = latin_cyrillic
                .iter()
                .partition(|s| s.script == Script::Latin);
            for spelling in latin {
                latin_beside_cyrillic.0 += 1;
                latin_beside_cyrillic.1 +=
                    usize::from(cyrillic.iter().any(|c| c.shares_key_with(spelling)));
            }
        }
        for (i, a) in keyed.iter().enumerate() {
            for b in &keyed[i + 1..] {
                let counts = pairs.entry(pair_kind(a.script, b.script)).or_default();
                counts.0 += 1;
                counts.1 += usize::from(a.shares_key_with(b));
            }
        }
        if latin_cyrillic.len() > 1 && !all_meet(&latin_cyrillic) && shown < misses {
            shown += 1;
            let listed: Vec<String> = latin_cyrillic
                .iter()
                .map(|s| format!("{}={}", s.word, s.keys.join("|")))
                .collect();
            println!("miss {}: {}", group.id, listed.join(" "));
        }
    }
    println!(
        "groups with 2+ keyed spellings: {keyed_groups}; every two share a key: {}",
        percent(one_key_groups, keyed_groups)
    );
    println!(
        "  with Latin and Cyrillic spellings: {latin_cyrillic_groups}; those all share a key: {}",
        percent(latin_cyrillic_one_key, latin_cyrillic_groups)
    );
    println!(
        "  their Latin spellings: {}; sharing a key with a Cyrillic spelling of the group: {}",
        latin_beside_cyrillic.0,
        percent(latin_beside_cyrillic.1, latin_beside_cyrillic.0)
    );
    let mut kinds: Vec<_> = pairs.into_iter().collect();
    kinds.sort_by_key(|(_, (total, _))| std::cmp::Reverse(*total));
    let (all, equal) = kinds
        .iter()
        .fold((0, 0), |(all, equal), (_, (t, e))| (all + t, equal + e));
    println!(
        "within-group pairs: {all}; same key: {}",
        percent(equal, all)
    );
    for (kind, (total, equal)) in kinds {
        println!(
            "  {kind:<18} {total:>8} pairs, same key {}",
            percent(equal, total)
        );
    }
}

/// Groups are related when they share a spelling (one name part of two people): a key
/// they share is no collision.
fn report_collisions(groups: &[Group], collisions: usize) {
    let mut groups_of_key: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut groups_of_word: HashMap<&str, Vec<usize>> = HashMap::new();
    for (index, group) in groups.iter().enumerate() {
        for spelling in &group.spellings {
            groups_of_word
                .entry(&spelling.word)
                .or_default()
                .push(index);
            for key in &spelling.keys {
                let of_key = groups_of_key.entry(key).or_default();
                if of_key.last() != Some(&index) {
                    of_key.push(index);
                }
            }
        }
    }
    let related = |a: usize, b: usize| {
        groups[a]
            .spellings
            .iter()
            .any(|s| groups_of_word[s.word.as_str()].contains(&b))
    };
    let mut keyed = 0;
    let mut colliding = 0;
    let mut shown = 0;
    for (index, group) in groups.iter().enumerate() {
        for spelling in &group.spellings {
            if spelling.keys.is_empty() {
                continue;
            }
            keyed += 1;
            let other = spelling.keys.iter().find_map(|key| {
                groups_of_key[key.as_str()]
                    .iter()
                    .find(|&&other| other != index && !related(index, other))
                    .map(|&other| (key, other))
            });
            if let Some((key, other)) = other {
                colliding += 1;
                if shown < collisions {
                    shown += 1;
                    let words: Vec<&str> = groups[other]
                        .spellings
                        .iter()
                        .filter(|s| s.keys.contains(key))
                        .map(|s| s.word.as_str())
                        .collect();
                    println!("collision {key}: {} ~ {}", spelling.word, words.join(" "));
                }
            }
        }
    }
    println!(
        "keyed spellings: {keyed}; key shared with an unrelated group: {}",
        percent(colliding, keyed)
    );

    let keyed_spellings: Vec<(usize, &Spelling)> = groups
        .iter()
        .enumerate()
        .flat_map(|(index, group)| group.spellings.iter().map(move |s| (index, s)))
        .filter(|(_, s)| !s.keys.is_empty())
        .collect();
    if keyed_spellings.len() < 2 {
        return;
    }
    let mut random = Xorshift(0x9E37_79B9_7F4A_7C15);
    let mut drawn = 0;
    let mut equal = 0;
    let mut latin_cyrillic = (0, 0);
    while drawn < RANDOM_PAIRS {
        let (a_group, a) = keyed_spellings[random.below(keyed_spellings.len())];
        let (b_group, b) = keyed_spellings[random.below(keyed_spellings.len())];
        if a_group == b_group || related(a_group, b_group) {
            continue;
        }
        drawn += 1;
        let same = a.shares_key_with(b);
        equal += usize::from(same);
        if pair_kind(a.script, b.script) == "Latin–Cyrillic" {
            latin_cyrillic.0 += 1;
            latin_cyrillic.1 += usize::from(same);
        }
    }
    println!(
        "random unrelated pairs: {drawn}; same key: {equal} ({:.2} per 100,000); Latin–Cyrillic: {} of {}",
        100_000.0 * equal as f64 / drawn as f64,
        latin_cyrillic.1,
        latin_cyrillic.0
    );
}

struct Xorshift(u64);

impl Xorshift {
    fn below(&mut self, bound: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % bound as u64) as usize
    }
}

/// The fastest of a few rounds over every spelling: the machine may be busy with others.
fn report_speed(groups: &[Group], keys: Keys) {
    let words: Vec<&str> = groups
        .iter()
        .flat_map(|g| g.spellings.iter().map(|s| s.word.as_str()))
        .collect();
    let rounds = 7;
    let fastest = (0..rounds)
        .map(|_| {
            let started = Instant::now();
            for word in &words {
                black_box(keys(black_box(word)));
            }
            started.elapsed()
        })
        .min()
        .unwrap_or_default();
    println!(
        "{:.0} ns a word (fastest of {rounds} rounds over {} words)",
        fastest.as_nanos() as f64 / words.len() as f64,
        words.len()
    );
}

fn main() -> anyhow::Result<()> {
    let options = options()?;
    let (mut groups, split_forms) = read_groups(&options.path, options.dev)?;
    let spellings: usize = groups.iter().map(|g| g.spellings.len()).sum();
    println!(
        "{} half: {} groups, {spellings} one-word spellings ({split_forms} forms of several words left out)",
        if options.dev {
            "development"
        } else {
            "held-out"
        },
        groups.len()
    );
    let functions: [(&str, Keys); 3] = [
        ("transliteration alone (baseline)", transliteration),
        ("name_key", name_key_alone),
        (
            "name_keys (both readings of Latin ch; Cyrillic without case ending)",
            all_name_keys,
        ),
    ];
    for (name, keys) in functions {
        println!("\n== {name}");
        for spelling in groups.iter_mut().flat_map(|g| &mut g.spellings) {
            spelling.keys = keys(&spelling.word);
        }
        let mut by_script: Vec<(Script, (usize, usize))> = groups
            .iter()
            .flat_map(|g| &g.spellings)
            .fold(HashMap::new(), |mut counts, s| {
                let entry: &mut (usize, usize) = counts.entry(s.script).or_default();
                entry.0 += 1;
                entry.1 += usize::from(!s.keys.is_empty());
                counts
            })
            .into_iter()
            .collect();
        by_script.sort();
        for (script, (all, keyed)) in by_script {
            println!("  {script:?}: {all} spellings, {keyed} keyed");
        }
        report_agreement(&groups, options.misses);
        report_collisions(&groups, options.collisions);
        report_speed(&groups, keys);
    }
    Ok(())
}
