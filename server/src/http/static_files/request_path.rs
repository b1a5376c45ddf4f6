//! Request paths made safe to look up in `dist`.

use percent_encoding::percent_decode_str;

/// The file a request path names, relative to `dist`, with `/` separators:
/// segments percent-decoded, and `index.html` appended to a path that ends
/// in `/` (or is empty). `None` for anything that could leave the folder or
/// is ambiguous: `.` or `..` segments, empty segments (`//`), encoded
/// slashes or backslashes, NUL, or bytes that are not UTF-8.
pub fn file_key(path: &str) -> Option<String> {
    let path = path.strip_prefix('/').unwrap_or(path);
    let (dirs, name) = match path.rsplit_once('/') {
        Some((dirs, name)) => (Some(dirs), name),
        None => (None, path),
    };
    let mut segments = Vec::new();
    if let Some(dirs) = dirs {
        for raw in dirs.split('/') {
            segments.push(segment(raw)?);
        }
    }
    segments.push(if name.is_empty() {
        "index.html".to_owned()
    } else {
        segment(name)?
    });
    Some(segments.join("/"))
}

/// One decoded path segment, if it is a plain name.
fn segment(raw: &str) -> Option<String> {
    let decoded = percent_decode_str(raw).decode_utf8().ok()?;
    let plain = !decoded.is_empty()
        && decoded != "."
        && decoded != ".."
        && !decoded.contains(['/', '\\', '\0']);
    plain.then(|| decoded.into_owned())
}

#[cfg(test)]
mod tests {
    use super::file_key;

    #[test]
    fn plain_paths_map_to_files_and_folders_to_their_index() {
        assert_eq!(
            file_key("/checkout-widget.js").as_deref(),
            Some("checkout-widget.js")
        );
        assert_eq!(
            file_key("snippets/a/js/x.js").as_deref(),
            Some("snippets/a/js/x.js")
        );
        assert_eq!(file_key("/").as_deref(), Some("index.html"));
        assert_eq!(file_key("").as_deref(), Some("index.html"));
        assert_eq!(
            file_key("/examples/").as_deref(),
            Some("examples/index.html")
        );
        assert_eq!(file_key("/examples").as_deref(), Some("examples"));
        assert_eq!(file_key("/a%20b.css").as_deref(), Some("a b.css"));
    }

    #[test]
    fn escapes_and_odd_segments_are_refused() {
        for bad in [
            "/../Cargo.toml",
            "/examples/../../x",
            "/%2e%2e/x",
            "/a%2fb.js",
            "/a%5cb.js",
            "/a%00.js",
            "//etc/passwd",
            "/a//b",
            "/./a",
            "/%ff.js",
        ] {
            assert_eq!(file_key(bad), None, "{bad}");
        }
    }
}
