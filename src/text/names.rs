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
/// folded; Cyrillic/Greek/Arabic kept as written), or None when the word is too short to be
/// key-matched (fewer than 4 letters), has no letters, holds a digit, or is written in a
/// script whose romanisation depends on the language (Chinese, Japanese, Korean, Indic).
pub fn name_key(word: &str) -> Option<String> {
    let latin = transliterate(word)?;
    let mut key = respell(&latin);
    fold_case_ending(&mut key);
    // Every byte pushed is an ASCII letter.
    String::from_utf8(key).ok()
}

/// The word's letters in ASCII lowercase, or None when it gets no key. A soft sign before a
/// vowel becomes `i`, as romanisations write it (Васильев, Vasilyev, Wassiljew); elsewhere
/// it is dropped (Зеленський, Zelensky).
fn transliterate(word: &str) -> Option<Vec<u8>> {
    let mut latin = Vec::with_capacity(word.len() + 4);
    let mut letters = 0;
    let mut chars = word.chars().peekable();
    while let Some(c) = chars.next() {
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
        if matches!(c, 'ь' | 'Ь') {
            if chars.peek().is_some_and(|&next| is_cyrillic_vowel(next)) {
                latin.push(b'i');
            }
            continue;
        }
        latin.extend(
            any_ascii_char(c)
                .bytes()
                .filter(u8::is_ascii_alphabetic)
                .map(|b| b.to_ascii_lowercase()),
        );
    }
    (letters >= FEWEST_KEYED_LETTERS).then_some(latin)
}

/// Alphabetic scripts with one usual romanisation: Latin, Greek, Cyrillic, Armenian,
/// Hebrew, Arabic, Georgian (and the combining marks and modifier letters Latin names use).
fn in_keyed_script(c: char) -> bool {
    matches!(c as u32,
        0x00C0..=0x024F // Latin-1 letters, Latin Extended-A and -B
        | 0x02B0..=0x036F // modifier letters, combining marks
        | 0x0370..=0x03FF // Greek
        | 0x0400..=0x052F // Cyrillic
        | 0x0530..=0x06FF // Armenian, Hebrew, Arabic
        | 0x0750..=0x077F // Arabic Supplement
        | 0x10A0..=0x10FF // Georgian
        | 0x1E00..=0x1FFF // Latin Extended Additional, Greek Extended
    )
}

fn is_cyrillic_vowel(c: char) -> bool {
    matches!(
        c.to_lowercase().next().unwrap_or(c),
        'а' | 'е' | 'ё' | 'и' | 'о' | 'у' | 'ы' | 'э' | 'ю' | 'я' | 'і' | 'ї' | 'є'
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
    (b"tch", b"s"),
    (b"sch", b"s"),
    (b"sh", b"s"),
    (b"zh", b"s"),
    (b"cz", b"s"),
    (b"sz", b"s"),
    (b"ts", b"s"),
    (b"tz", b"s"),
    (b"kh", b"g"),
    (b"gh", b"g"),
    (b"dh", b"d"),
    (b"ph", b"f"),
    (b"th", b"t"),
    (b"ck", b"k"),
    (b"qu", b"k"),
    (b"ou", b"u"),
];

/// The key's letters for the ASCII letters of a word: each sound in one class, doubled
/// letters once, and `i` before `e` dropped at the start or after a vowel (Yeltsin, Jelzin,
/// Eltsin; Andreyev, Andrejew, Andreev).
fn respell(latin: &[u8]) -> Vec<u8> {
    let mut key = Vec::with_capacity(latin.len());
    let mut at = 0;
    while at < latin.len() {
        let (sound, read) = sound_at(latin, at);
        for &letter in sound {
            push_letter(&mut key, letter);
        }
        at += read;
    }
    key
}

/// The key's letters for the sound that starts at `latin[at]`, and how many bytes it spans.
fn sound_at(latin: &[u8], at: usize) -> (&'static [u8], usize) {
    let rest = &latin[at..];
    if let Some((spelling, sound)) = SPELLINGS.iter().find(|(spelling, _)| rest.starts_with(spelling))
    {
        return (sound, spelling.len());
    }
    let next = rest.get(1).copied();
    let sound: &'static [u8] = match rest[0] {
        // English ch is ч and French ch is ш, but before a consonant it is German х
        // (Chruschtschow, Chlebnikow).
        b'c' if next == Some(b'h') => {
            let after = rest.get(2).copied();
            return match after {
                Some(b) if !is_vowel(b) && b != b'y' => (b"g", 2),
                _ => (b"s", 2),
            };
        }
        b'c' if matches!(next, Some(b'a' | b'o' | b'u' | b'l' | b'r' | b'k')) => b"k",
        b'c' | b's' | b'z' => b"s",
        b'h' => b"g",
        b'w' => b"v",
        b'q' => b"k",
        b'x' => b"ks",
        // ё written yo or jo after a consonant (Fyodor, Fjodor, Фёдор read as Федор).
        b'y' | b'j'
            if next == Some(b'o') && at > 0 && !is_vowel(latin[at - 1]) && latin[at - 1] != b'y' =>
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
    if letter == b'e' && key.last() == Some(&b'i') {
        let before = key.len().checked_sub(2).map(|i| key[i]);
        if before.is_none_or(is_vowel) {
            key.pop();
            if key.last() == Some(&letter) {
                return;
            }
        }
    }
    key.push(letter);
}

/// Case endings of Russian and Ukrainian surnames as the key spells them: -ов/-ова/-ову/
/// -ове/-овым/-овой/-овых/-овыми/-овою (and -ев, -ин likewise), and adjectival -ский/-ская/
/// -ского/-скому/-ским/-ском/-ской/-скую/-ские/-ских/-скими (Ukrainian -ський/-ська/-ського/
/// -ському/-ським/-ській/-ською/-ську), with the romanised nominatives (-ow, -ew, -off, -sky,
/// -ski, -skij, -skyi, -skaya, -skaja).
const NOUN_TAILS: &[&[u8]] = &[b"oiu", b"imi", b"im", b"oi", b"ig", b"a", b"u", b"e", b""];
const ADJECTIVE_TAILS: &[&[u8]] = &[
    b"iego", b"iemu", b"aia", b"ogo", b"omu", b"oiu", b"uiu", b"imi", b"oie", b"im", b"om",
    b"oi", b"ie", b"ig", b"i", b"a", b"u", b"e", b"",
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
    if let Some(stem) = key
        .strip_suffix(b"of")
        .or_else(|| key.strip_suffix(b"ef"))
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
        assert_one_key(&["песков", "пескова", "песковым", "peskov", "peskow", "peskoff"]);
    }
}
