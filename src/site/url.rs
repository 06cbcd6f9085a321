//! Site paths and the files they are written to. Shared vocabulary: resolve claims output files
//! by it, render and write place them by it.

/// The output path of a site path: `/a/b/` → `a/b/index.html`, `/x.html` → `x.html`.
pub fn file_for(site_path: &str) -> String {
    let p = site_path.trim_start_matches('/');
    if p.is_empty() || p.ends_with('/') {
        format!("{p}index.html")
    } else {
        p.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_paths_map_to_files() {
        assert_eq!(file_for("/"), "index.html");
        assert_eq!(file_for("/a/b/"), "a/b/index.html");
        assert_eq!(file_for("/404.html"), "404.html");
    }
}
