//! Name keys: one key for the spellings of a person's name across scripts and romanisations
//! (Дмитриев, Dmitriev, Dmitrijew, Dmytriev, Дмитриевым), so that a name written one way can
//! find it written another. A key is the word in Latin letters (`any_ascii` transliterates
//! every other script), with the letters romanisations disagree on merged into one class each
//! (j/y/i, w/v, sh/sch/ch/zh/s/z/ts/c, kh/h/g, doubled letters) and Russian and Ukrainian
//! surname case endings folded (-ов/-ова/-овым, -ев, -ин/-ина, -ский/-ская/-ського). It is a
//! match key, never shown: words that are not names get keys too, and unrelated names
//! sometimes share one (bench/names/README.md measures how often).

use any_ascii::any_ascii_char;

/// Words with fewer letters than this get no key: too many short words would share one.
const FEWEST_KEYED_LETTERS: usize = 4;

/// The name key of `word`, a word as the exact analyzer folds it (lowercase; Latin diacritics
/// and the marks of [`crate::text::folding`] folded, so ё is е), or None when the word is
/// too short to be key-matched (fewer than 4 letters), has no letters, holds a digit, or is
/// written in a script whose romanisation depends on the language (Chinese, Japanese,
/// Korean, Indic) or that leaves vowels out (Arabic, Hebrew).
pub fn name_key(word: &str) -> Option<String> {
    let latin = transliterate(word)?;
    Some(key_of_reading(&latin, 0).0)
}

/// The name keys of `word`, the first being [`name_key`]'s; a word matches another when they
/// share a key. Latin `ch` is read both ways, ч as in English (Chernenko) and х as in German
/// (Michail), so `michail` has two keys and `михаил` one of them; a Cyrillic word also has
/// its key without a noun case ending, so that first names and foreign surnames declined as
/// nouns meet their nominative (Кирилла, Кушнером, Ермаку: Kirill, Kushner, Yermak). Empty
/// when `name_key` is None.
pub fn name_keys(word: &str) -> Vec<String> {
    let Some(latin) = transliterate(word) else {
        return Vec::new();
    };
    let (first, sites) = key_of_reading(&latin, 0);
    let uninflected = is_cyrillic(word)
        .then(|| without_noun_ending(&first))
        .flatten();
    let mut keys = vec![first];
    for choices in 1..1u32 << sites.min(MOST_READ_SITES) {
        let key = key_of_reading(&latin, choices).0;
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    keys.extend(uninflected);
    keys
}

fn is_cyrillic(word: &str) -> bool {
    word.chars().any(|c| matches!(c as u32, 0x0400..=0x052F))
}

/// Endings of Russian and Ukrainian nouns as the key spells them: -а/-я, -у/-ю, -ом/-ем,
/// -ы/-и, -ой/-ей, -ою (-е is already dropped from every key).
const NOUN_ENDINGS: &[&str] = &["oiu", "om", "em", "oi", "ei", "a", "u", "i"];

/// The key without its noun case ending, if it has one and three letters stay, with a
/// surname ending that this uncovers folded (Уиткоффа, Уиткофф).
fn without_noun_ending(key: &str) -> Option<String> {
    let stem = NOUN_ENDINGS
        .iter()
        .find_map(|ending| key.strip_suffix(ending).filter(|stem| stem.len() >= 3))?;
    let mut stem = stem.as_bytes().to_vec();
    fold_case_ending(&mut stem);
    Some(stem.into_iter().map(char::from).collect())
}

/// Spellings read two ways, at most this many in a word (so at most four keys).
const MOST_READ_SITES: u32 = 2;

/// The key of one reading of `latin`, where bit `i` of `choices` picks the second reading
/// of the `i`th spelling that can be read two ways, and how many such spellings it has.
fn key_of_reading(latin: &[u8], choices: u32) -> (String, u32) {
    let (mut key, sites) = respell(latin, choices);
    // A final e after a consonant is mute in French and English names (Lestrade, Лестрад)
    // and a case ending in Russian (Путине).
    if key.len() > 3 && key.ends_with(b"e") && !is_vowel(key[key.len() - 2]) {
        key.pop();
    }
    fold_case_ending(&mut key);
    // Every byte pushed is an ASCII letter.
    (key.into_iter().map(char::from).collect(), sites)
}

/// The word's letters in ASCII lowercase, or None when it gets no key. Soft and hard signs
/// are dropped (Зеленський, Zelensky).
fn transliterate(word: &str) -> Option<Vec<u8>> {
    let mut latin = Vec::with_capacity(word.len() + 4);
    let mut letters = 0;
    for c in word.chars() {
        if c.is_ascii() {
            if !c.is_ascii_alphabetic() {
                return None;
            }
            letters += 1;
            latin.push(c.to_ascii_lowercase() as u8);
            continue;
        }
        if !in_keyed_script(c) {
            return None;
        }
        if c.is_alphabetic() {
            letters += 1;
        }
        // Latin ch is read several ways; these are not.
        let romanised = match c {
            'ч' | 'Ч' => "tch",
            'χ' | 'Χ' => "kh",
            _ => any_ascii_char(c),
        };
        latin.extend(
            romanised
                .bytes()
                .filter(u8::is_ascii_alphabetic)
                .map(|b| b.to_ascii_lowercase()),
        );
    }
    (letters >= FEWEST_KEYED_LETTERS).then_some(latin)
}

/// Alphabetic scripts that write their vowels and have one usual romanisation: Latin,
/// Greek, Cyrillic, Armenian, Georgian (and the combining marks and modifier letters Latin
/// names use). Hebrew and Arabic leave short vowels out, so their keys would not meet a
/// Latin spelling's.
fn in_keyed_script(c: char) -> bool {
    matches!(c as u32,
        0x00C0..=0x024F // Latin-1 letters, Latin Extended-A and -B
        | 0x02B0..=0x036F // modifier letters, combining marks
        | 0x0370..=0x03FF // Greek
        | 0x0400..=0x052F // Cyrillic
        | 0x0530..=0x058F // Armenian
        | 0x10A0..=0x10FF // Georgian
        | 0x1E00..=0x1FFF // Latin Extended Additional, Greek Extended
    )
}

fn is_vowel(b: u8) -> bool {
    matches!(b, b'a' | b'e' | b'i' | b'o' | b'u')
}

/// Spellings of one sound in the romanisations of Russian, Ukrainian and other Cyrillic
/// languages (English, German, French, Polish, ISO 9 with its diacritics folded), longest
/// first, and the one letter the key writes for them.
const SPELLINGS: &[(&[u8], &[u8])] = &[
    (b"schtsch", b"s"),
    (b"shch", b"s"),
    (b"chtch", b"s"),
    (b"szcz", b"s"),
    (b"tsch", b"s"),
    (b"tsj", b"s"),
    (b"tch", b"s"),
    (b"sch", b"s"),
    (b"sh", b"s"),
    (b"zh", b"s"),
    (b"cz", b"s"),
    (b"sz", b"s"),
    (b"ts", b"s"),
    (b"tz", b"s"),
    // Swedish and Dutch tj, Dutch sj (Vjatjeslav, Porosjenko).
    (b"tj", b"s"),
    (b"sj", b"s"),
    (b"kh", b"g"),
    (b"gh", b"g"),
    (b"dh", b"d"),
    (b"ph", b"f"),
    (b"th", b"t"),
    (b"qu", b"k"),
    (b"ou", b"u"),
];

/// The key's letters for the ASCII letters of a word: each sound in one class, doubled
/// letters once, `i` before `e` dropped (Yeltsin, Jelzin, Eltsin; Andreyev, Andreev;
/// Vasilyev, Vasilev; Jakimienko, Jakimenko), and `i` between a consonant and `u` (ю, ü:
/// Viktyuk, Viktuk; Бюлент, Bulent). Also how many spellings could be read two ways, the
/// first `MOST_READ_SITES` of them read as `choices` says.
fn respell(latin: &[u8], choices: u32) -> (Vec<u8>, u32) {
    let mut key = Vec::with_capacity(latin.len());
    let mut sites = 0;
    let mut at = 0;
    while at < latin.len() {
        let (sound, read) = sound_at(latin, at, &mut sites, choices);
        for &letter in sound {
            push_letter(&mut key, letter);
        }
        at += read;
    }
    (key, sites)
}

/// The key's letters for the sound that starts at `latin[at]`, and how many bytes it spans.
fn sound_at(latin: &[u8], at: usize, sites: &mut u32, choices: u32) -> (&'static [u8], usize) {
    let rest = &latin[at..];
    let may_start_spelling = matches!(
        rest[0],
        b's' | b'c' | b't' | b'z' | b'k' | b'g' | b'd' | b'p' | b'q' | b'o'
    );
    if may_start_spelling
        && let Some((spelling, sound)) = SPELLINGS
            .iter()
            .find(|(spelling, _)| rest.starts_with(spelling))
    {
        return (sound, spelling.len());
    }
    let next = rest.get(1).copied();
    let sound: &'static [u8] = match rest[0] {
        // English ch is ч and French ch is ш, German ch is х (Michail, Chruschtschow): read
        // first as х before a consonant other than k (Ochlopkow; Kashechkin is Кашечкин),
        // as ч elsewhere, then the other way.
        b'c' if next == Some(b'h') => {
            let before_consonant = rest
                .get(2)
                .is_some_and(|&b| !is_vowel(b) && !matches!(b, b'y' | b'k'));
            let site = *sites;
            *sites += 1;
            let other_way = site < MOST_READ_SITES && choices >> site & 1 == 1;
            return if before_consonant != other_way {
                (b"g", 2)
            } else {
                (b"s", 2)
            };
        }
        // Polish -cki, -cka (Trocki, Owicka), where German ck is k (Becker).
        b'c' if next == Some(b'k') && is_adjective_ending(&rest[2..]) => b"s",
        b'c' if next == Some(b'k') => return (b"k", 2),
        b'c' if matches!(next, Some(b'a' | b'o' | b'u' | b'l' | b'r')) => b"k",
        // French and Spanish gue, gui.
        b'g' if next == Some(b'u') && matches!(rest.get(2), Some(b'e' | b'i')) => {
            return (b"g", 2);
        }
        b'c' | b's' | b'z' => b"s",
        b'h' => b"g",
        b'w' => b"v",
        b'q' => b"k",
        b'x' => b"ks",
        // ё written yo or jo after a consonant (Fyodor, Fjodor, Фёдор read as Федор).
        b'y' | b'j'
            if next == Some(b'o')
                && at > 0
                && !is_vowel(latin[at - 1])
                && latin[at - 1] != b'y' =>
        {
            return (b"e", 2);
        }
        b'y' | b'j' => b"i",
        b'a' => b"a",
        b'b' => b"b",
        b'd' => b"d",
        b'e' => b"e",
        b'f' => b"f",
        b'g' => b"g",
        b'i' => b"i",
        b'k' => b"k",
        b'l' => b"l",
        b'm' => b"m",
        b'n' => b"n",
        b'o' => b"o",
        b'p' => b"p",
        b'r' => b"r",
        b't' => b"t",
        b'u' => b"u",
        b'v' => b"v",
        _ => b"",
    };
    (sound, 1)
}

fn push_letter(key: &mut Vec<u8>, letter: u8) {
    if key.last() == Some(&letter) {
        return;
    }
    let after_consonant = || key.len() >= 2 && !is_vowel(key[key.len() - 2]);
    if key.last() == Some(&b'i') && (letter == b'e' || letter == b'u' && after_consonant()) {
        key.pop();
        if key.last() == Some(&letter) {
            return;
        }
    }
    key.push(letter);
}

fn is_adjective_ending(tail: &[u8]) -> bool {
    matches!(
        tail,
        b"i" | b"y" | b"a" | b"ij" | b"yj" | b"iy" | b"ie" | b"iego" | b"iej"
    )
}

/// Case endings of Russian and Ukrainian surnames as the key spells them: -ов/-ова/-ову/
/// -ове/-овым/-овой/-овых/-овыми/-овою (and -ев, -ин likewise), and adjectival -ский/-ская/
/// -ского/-скому/-ским/-ском/-ской/-скую/-ские/-ских/-скими (Ukrainian -ський/-ська/-ського/
/// -ському/-ським/-ській/-ською/-ську), with the romanised nominatives (-ow, -ew, -off, -sky,
/// -ski, -skij, -skyi, -skaya, -skaja).
const NOUN_TAILS: &[&[u8]] = &[b"oiu", b"imi", b"im", b"oi", b"a", b"u", b"e", b""];
const ADJECTIVE_TAILS: &[&[u8]] = &[
    b"iego", b"iemu", b"aia", b"ogo", b"omu", b"oiu", b"uiu", b"imi", b"oie", b"im", b"om", b"oi",
    b"ie", b"ig", b"i", b"a", b"u", b"e", b"",
];

/// Folds a surname's case ending to one form: -ov (for -ov and -ev alike: Gorbachev is
/// Gorbatschow), -in, -sk. At least two letters stay before it.
fn fold_case_ending(key: &mut Vec<u8>) {
    for tail in NOUN_TAILS {
        let Some(before_tail) = key.strip_suffix(*tail) else {
            continue;
        };
        let (suffix, kept): (&[u8], usize) = if let Some(stem) = before_tail
            .strip_suffix(b"ov")
            .or_else(|| before_tail.strip_suffix(b"ev"))
        {
            (b"ov", stem.len())
        } else if let Some(stem) = before_tail.strip_suffix(b"in") {
            (b"in", stem.len())
        } else {
            continue;
        };
        if kept >= 2 {
            key.truncate(kept);
            key.extend_from_slice(suffix);
            return;
        }
    }
    if let Some(stem) = key.strip_suffix(b"of").or_else(|| key.strip_suffix(b"ef"))
        && stem.len() >= 2
    {
        let kept = stem.len();
        key.truncate(kept);
        key.extend_from_slice(b"ov");
        return;
    }
    for tail in ADJECTIVE_TAILS {
        if let Some(stem) = key
            .strip_suffix(*tail)
            .and_then(|before| before.strip_suffix(b"sk"))
            && stem.len() >= 2
        {
            let kept = stem.len() + 2;
            key.truncate(kept);
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(word: &str) -> String {
        name_key(word).unwrap_or_else(|| panic!("{word} has no key"))
    }

    fn assert_one_key(words: &[&str]) {
        let first = key(words[0]);
        for word in &words[1..] {
            assert_eq!(key(word), first, "{word} and {}", words[0]);
        }
    }

    /// Every two of `words` share one of their `name_keys`.
    fn assert_meet(words: &[&str]) {
        for (i, a) in words.iter().enumerate() {
            for b in &words[i + 1..] {
                let (keys_a, keys_b) = (name_keys(a), name_keys(b));
                assert!(
                    keys_a.iter().any(|k| keys_b.contains(k)),
                    "{a} {keys_a:?} and {b} {keys_b:?}"
                );
            }
        }
    }

    /// Lines of persons.txt (compiled by OpenSanctions from Wikidata, MIT licence), spellings
    /// of one person's name, as the exact analyzer folds them (č to c, ë to e).
    fn persons_line(line: &str) -> Vec<&str> {
        let (forms, _id) = line.split_once(" => ").expect("a persons.txt line");
        forms.split(", ").collect()
    }

    #[test]
    fn spellings_of_dmitriev_in_every_case_share_a_key() {
        assert_one_key(&[
            "дмитриев",
            "дмитриева",
            "дмитриевым",
            "дмитриеву",
            "дмитриеве",
            "дмитриевой",
            "dmitriev",
            "dmitriyev",
            "dmitrijev",
            "dmitrijew",
            "dmytriev",
            "дмитрієв",
            "dmytriiev",
        ]);
    }

    #[test]
    fn spellings_of_zelensky_in_every_case_share_a_key() {
        assert_one_key(&[
            "зеленський",
            "зеленского",
            "зеленский",
            "зеленського",
            "зеленському",
            "зеленським",
            "зеленська",
            "zelensky",
            "zelenskyy",
            "zelenskiy",
            "selenskyj",
            "zelenski",
            "zelenskij",
        ]);
    }

    #[test]
    fn spellings_of_peskov_share_a_key() {
        assert_one_key(&[
            "песков",
            "пескова",
            "песковым",
            "peskov",
            "peskow",
            "peskoff",
        ]);
    }

    #[test]
    fn groups_of_persons_txt_share_a_key() {
        for line in [
            "urvancev, urvantsev, urwanzew, урванцев => Q10000009",
            "chernyshevsky, tschernyschewski, cernysevskij, чернышевский => Q10000024",
            "valuev, valujev, valuyev, walujew => Q10000146",
            "kramskoi, kramskoj, kramskoy => Q10000189",
            "tarkovskij, tarkovsky, tarkowski, тарковский => Q10000747",
            "porochenko, poroshenko, porosjenko, poroszenko, porosenko, порошенко => Q104089566",
            "jaschtschenko, jastschenko, jaszczenko, yaschenko, yashchenko, ященко => Q104176604",
            "lavrov, lavrova, lawrow, лавров, лаврова => Q21492445",
            "gorbachev, gorbachov, gorbachyov, gorbatchev, gorbatschow, gorbaczow, gorbacev, \
             горбачёв, горбачёва, горбачов => Q25820465",
        ] {
            assert_one_key(&persons_line(line));
        }
    }

    #[test]
    fn german_ch_is_read_as_kh_too() {
        assert_meet(&["михаил", "mikhail", "michail", "mihail"]);
        assert_meet(&persons_line(
            "chruschtschow, khrushchev, khrushchov, хрущёв, хрущев, хрущёва => Q110328040",
        ));
        assert_meet(&["chernenko", "tschernenko", "черненко"]);
        assert_eq!(name_keys("хрущёв").len(), 1, "Cyrillic is read one way");
    }

    #[test]
    fn cyrillic_nouns_in_a_case_meet_their_nominative() {
        for (declined, nominative) in [
            ("кирилла", "kirill"),
            ("кириллом", "kirill"),
            ("кушнера", "kushner"),
            ("кушнеру", "kushner"),
            ("ермаком", "yermak"),
            ("сергея", "sergei"),
            ("уиткоффа", "уиткофф"),
        ] {
            assert_meet(&[declined, nominative]);
        }
        assert_eq!(
            name_keys("kirilla").len(),
            1,
            "Latin words keep their endings"
        );
    }

    #[test]
    fn short_words_and_words_with_digits_get_no_key() {
        for word in [
            "пес",
            "lev",
            "ivo",
            "юк",
            "a1b2",
            "cov19",
            "",
            "习近平",
            "محمد",
        ] {
            assert_eq!(name_key(word), None, "{word}");
            assert!(name_keys(word).is_empty(), "{word}");
        }
        assert!(name_key("лева").is_some());
    }

    #[test]
    fn different_names_get_different_keys() {
        for (a, b) in [
            ("peskov", "lavrov"),
            ("песков", "лавров"),
            ("dmitriev", "dmitrenko"),
            ("дмитриев", "дмитренко"),
            ("zelensky", "zelenko"),
            ("ivanov", "ivanenko"),
            ("putin", "rutin"),
            ("шевченко", "шевчук"),
        ] {
            assert_ne!(key(a), key(b), "{a} and {b}");
        }
    }
}
