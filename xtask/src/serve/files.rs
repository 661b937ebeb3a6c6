//! The built book's files: a request's path to a file under the book's
//! folder, and the type a browser needs to use it.

use std::fs;
use std::io;
use std::net::TcpStream;
use std::path::{Path, PathBuf};

use super::http::{self, Request};
use super::page::Additions;

/// Answers a `GET` or `HEAD` of a file of the book at `dir`; an HTML page
/// with the server's `additions`.
pub fn respond(
    stream: &TcpStream,
    request: &Request,
    dir: &Path,
    additions: &Additions,
) -> io::Result<()> {
    let (status, path) = match resolve(dir, &request.path) {
        Some(path) if path.is_file() => ("200 OK", path),
        Some(_) => ("404 Not Found", dir.join("404.html")),
        None => return http::refuse(stream, request, "403 Forbidden", "no climbing out with .."),
    };
    let Ok(mut body) = fs::read(&path) else {
        return http::refuse(stream, request, status, status);
    };
    let kind = content_type(&path);
    if kind.starts_with("text/html") {
        body = additions.add_to(&body);
    }
    http::reply(stream, request, status, kind, &body)
}

/// The file a request path names under `dir`, `index.html` for a folder,
/// or `None` for a path that tries to climb out with `..`.
pub fn resolve(dir: &Path, path: &str) -> Option<PathBuf> {
    let mut file = dir.to_path_buf();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => return None,
            _ => file.push(part),
        }
    }
    if file.is_dir() {
        file.push("index.html");
    }
    Some(file)
}

/// Browsers need the right type to apply a stylesheet or run a script.
fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|ext| ext.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "txt" | "md" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}
