//! What styre knows of a language beyond its interface strings: its Snowball stemmer, and the
//! file of the browser's copy of it. Shared vocabulary: resolve claims the stemmer files, render
//! writes the search index with them.

/// The file of the browser's stemmer for a language (`styre-stem-no.js`), when it has one.
pub fn stemmer_script(lang: &str) -> Option<&'static str> {
    Some(match stemmer(lang)? {
        rust_stemmers::Algorithm::Norwegian => "styre-stem-no.js",
        rust_stemmers::Algorithm::English => "styre-stem-en.js",
        rust_stemmers::Algorithm::Russian => "styre-stem-ru.js",
        rust_stemmers::Algorithm::Arabic => "styre-stem-ar.js",
        _ => return None,
    })
}

/// The Snowball stemmer of a language, when there is one.
pub fn stemmer(lang: &str) -> Option<rust_stemmers::Algorithm> {
    use rust_stemmers::Algorithm as A;
    Some(match lang {
        "nb" | "nn" | "no" => A::Norwegian,
        "en" => A::English,
        "ru" => A::Russian,
        "ar" => A::Arabic,
        _ => return None,
    })
}
