//! Digits in other hands for training: the ten digits of the handwriting and script typefaces
//! Debian packages (Daniel Kahn Gillmor's handwriting, Humor Sans, Comic Neue, Femke Klaver, Breip,
//! Kristi, URW's Z003 and TeX Gyre Chorus after Zapf Chancery, Lobster, Andika), rasterised and
//! preprocessed as the pad's digits are; training then distorts them as it distorts MNIST's digits
//! to look drawn on the pad ([`super::augment_as_drawn`]), so the network meets letterforms MNIST's
//! writers did not use (a 9 with a curled tail, a 7 with a hook, a 1 with a flag and a base…).

use std::path::{Path, PathBuf};

use ab_glyph::{Font, FontRef, PxScale};

use super::mnist_preprocess;

/// The typefaces, by the Debian package that installs them and their file.
pub const TYPEFACES: &[(&str, &str)] = &[
    (
        "fonts-dkg-handwriting",
        "/usr/share/fonts/truetype/fifthhorseman/dkg.ttf",
    ),
    (
        "fonts-dkg-handwriting",
        "/usr/share/fonts/truetype/fifthhorseman/dkgBI.ttf",
    ),
    (
        "fonts-humor-sans",
        "/usr/share/fonts/truetype/humor-sans/Humor-Sans.ttf",
    ),
    (
        "fonts-comic-neue",
        "/usr/share/fonts/opentype/comic-neue/ComicNeue-Regular.otf",
    ),
    (
        "fonts-comic-neue",
        "/usr/share/fonts/opentype/comic-neue/ComicNeue-Italic.otf",
    ),
    (
        "fonts-comic-neue",
        "/usr/share/fonts/opentype/comic-neue/ComicNeue-Bold.otf",
    ),
    (
        "fonts-femkeklaver",
        "/usr/share/fonts/truetype/femkeklaver/femkeklaver.ttf",
    ),
    ("fonts-breip", "/usr/share/fonts/truetype/breip/Breip.ttf"),
    (
        "fonts-kristi",
        "/usr/share/fonts/truetype/kristi/Kristi.ttf",
    ),
    (
        "fonts-urw-base35",
        "/usr/share/fonts/opentype/urw-base35/Z003-MediumItalic.otf",
    ),
    (
        "fonts-texgyre",
        "/usr/share/texmf/fonts/opentype/public/tex-gyre/texgyrechorus-mediumitalic.otf",
    ),
    (
        "fonts-lobster",
        "/usr/share/fonts/opentype/lobster/lobster.otf",
    ),
    (
        "fonts-sil-andika",
        "/usr/share/fonts/truetype/andika/Andika-Italic.ttf",
    ),
];

/// The ten digits of each typeface found, as 28×28 MNIST-like images (ink 1, the digit fitted to
/// 20×20 and centred by its mass, as [`mnist_preprocess`] centres a drawn one).
#[derive(Clone, Debug, Default)]
pub struct FontDigits {
    /// The files read, in order.
    pub files: Vec<PathBuf>,
    /// `images[font][digit]`: 784 values.
    pub images: Vec<[Vec<f32>; 10]>,
}

impl FontDigits {
    pub fn len(&self) -> usize {
        self.images.len()
    }

    pub fn is_empty(&self) -> bool {
        self.images.is_empty()
    }
}

/// Side of the canvas a glyph is drawn on before the preprocessing fits it to 20×20.
const CANVAS: usize = 112;

/// One digit of a typeface, drawn on a [`CANVAS`]² field and preprocessed; None if the face has
/// no such glyph or it leaves no ink.
pub fn render_digit(font: &FontRef, digit: u8) -> Option<Vec<f32>> {
    let id = font.glyph_id(char::from(b'0' + digit));
    if id.0 == 0 {
        return None;
    }
    let glyph = id.with_scale_and_position(PxScale::from(80.0), ab_glyph::point(16.0, 92.0));
    let outlined = font.outline_glyph(glyph)?;
    let b = outlined.px_bounds();
    let mut img = vec![0f32; CANVAS * CANVAS];
    outlined.draw(|x, y, c| {
        let (px, py) = (b.min.x as i64 + x as i64, b.min.y as i64 + y as i64);
        if (0..CANVAS as i64).contains(&px) && (0..CANVAS as i64).contains(&py) {
            let at = py as usize * CANVAS + px as usize;
            img[at] = img[at].max(c.clamp(0.0, 1.0));
        }
    });
    // The pad's preprocessing gives 32×32 (28×28 padded by 2); training's digits are 28×28.
    let padded = mnist_preprocess(&img, CANVAS, CANVAS)?;
    Some(
        (2..30)
            .flat_map(|y| padded[y * 32 + 2..y * 32 + 30].to_vec())
            .collect(),
    )
}

/// Reads the typefaces of `files` that exist and have all ten digits; says which were missing.
pub fn load(files: &[&Path]) -> (FontDigits, Vec<String>) {
    let mut out = FontDigits::default();
    let mut missing = Vec::new();
    for file in files {
        let Ok(bytes) = std::fs::read(file) else {
            missing.push(file.display().to_string());
            continue;
        };
        let Ok(font) = FontRef::try_from_slice(&bytes) else {
            missing.push(format!("{} (not a font)", file.display()));
            continue;
        };
        let digits: Option<Vec<Vec<f32>>> = (0..10).map(|d| render_digit(&font, d)).collect();
        match digits.and_then(|d| <[Vec<f32>; 10]>::try_from(d).ok()) {
            Some(images) => {
                out.files.push(file.to_path_buf());
                out.images.push(images);
            }
            None => missing.push(format!("{} (lacks a digit)", file.display())),
        }
    }
    (out, missing)
}

/// The typefaces of [`TYPEFACES`] this machine has.
pub fn load_installed() -> (FontDigits, Vec<String>) {
    let files: Vec<&Path> = TYPEFACES.iter().map(|(_, f)| Path::new(*f)).collect();
    load(&files)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every typeface is installed (`make test` installs them: scripts/setup.sh), gives ten
    /// digits with ink in the 20×20 box, and no two of a face are alike.
    #[test]
    fn the_typefaces_give_ten_distinct_digits() {
        let (fonts, missing) = load_installed();
        assert!(
            missing.is_empty(),
            "not installed: {missing:?} (scripts/setup.sh installs them)"
        );
        assert_eq!(fonts.images.len(), TYPEFACES.len());
        for (file, images) in fonts.files.iter().zip(&fonts.images) {
            for (d, img) in images.iter().enumerate() {
                let ink: f32 = img.iter().sum();
                assert!(
                    (20.0..300.0).contains(&ink),
                    "{} digit {d}: ink {ink}",
                    file.display()
                );
            }
            for a in 0..10 {
                for b in a + 1..10 {
                    let diff: f32 = images[a]
                        .iter()
                        .zip(&images[b])
                        .map(|(x, y)| (x - y).abs())
                        .sum();
                    assert!(diff > 20.0, "{}: {a} and {b} alike", file.display());
                }
            }
        }
    }

    /// Prints one typeface's digits as text, to look at (a viewer, not a check:
    /// `cargo test a_typeface_drawn_as_text -- --ignored --nocapture`).
    #[test]
    #[ignore = "a viewer that prints, not a check"]
    fn a_typeface_drawn_as_text() {
        let (fonts, _) = load_installed();
        if let Some(images) = fonts.images.first() {
            for y in (0..28).step_by(2) {
                let row: String = images
                    .iter()
                    .map(|img| {
                        (0..28)
                            .map(|x| if img[y * 28 + x] > 0.4 { '#' } else { '.' })
                            .collect::<String>()
                            + " "
                    })
                    .collect();
                eprintln!("{row}");
            }
        }
    }
}
