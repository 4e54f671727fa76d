//! Turns a photo the user gave (a file, a drop, a paste, a sample) into 8-bit RGBA pixels with
//! the browser's own decoder, on the page: EXIF orientation applied, colour profiles left alone
//! (as PIL leaves them), and a clear message for an empty, corrupt or unsupported file. Nothing
//! leaves the machine: the bytes go from the file to the decoder to the worker.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    Blob, CanvasRenderingContext2d, ColorSpaceConversion, HtmlCanvasElement, ImageBitmap,
    ImageBitmapOptions, ImageOrientation, PremultiplyAlpha, ResizeQuality,
};

use crate::i18n::Msg;
use crate::imagenet::Image8;

/// Photos above this many pixels are first reduced by the browser (shorter side to
/// [`REDUCED_SIDE`], or less for a strip so long that this would leave it above the bound, though
/// never under one pixel; never enlarged) so that a 50-megapixel photo does not need 200 MB of
/// pixels in each thread.
pub const MAX_PIXELS: u64 = 16_000_000;
pub const REDUCED_SIDE: u32 = 1024;

/// A decoded photo and, when the browser reduced it first, a note saying so.
pub struct Decoded {
    pub image: Image8,
    pub original: (u32, u32),
    pub note: Option<Msg>,
}

fn options() -> ImageBitmapOptions {
    let o = ImageBitmapOptions::new();
    o.set_image_orientation(ImageOrientation::FromImage);
    o.set_color_space_conversion(ColorSpaceConversion::None);
    o.set_premultiply_alpha(PremultiplyAlpha::None);
    o
}

/// The page's window, or a message for a page without one (never the case in a browser).
fn window() -> Result<web_sys::Window, Msg> {
    web_sys::window().ok_or_else(|| Msg::new("errors-photo-no-page"))
}

async fn bitmap(blob: &Blob, options: &ImageBitmapOptions) -> Result<ImageBitmap, Msg> {
    let promise = window()?
        .create_image_bitmap_with_blob_and_image_bitmap_options(blob, options)
        .map_err(|_| Msg::new("errors-photo-refused"))?;
    JsFuture::from(promise)
        .await
        .map(|b| b.unchecked_into())
        .map_err(|_| Msg::new("errors-photo-undecodable"))
}

/// Decodes a photo; `name` is used in messages.
pub async fn decode(blob: &Blob, name: &str) -> Result<Decoded, Msg> {
    if blob.size() == 0.0 {
        return Err(Msg::new("errors-photo-empty").arg("name", name));
    }
    let unusable = |reason: Msg| {
        Msg::new("errors-photo-cannot-use")
            .arg("name", name)
            .arg("reason", reason)
    };
    let first = bitmap(blob, &options()).await.map_err(unusable)?;
    let original = (first.width(), first.height());
    let pixels = original.0 as u64 * original.1 as u64;
    let (bmp, note) = if pixels > MAX_PIXELS {
        first.close();
        let short = original.0.min(original.1) as f64;
        let scale = (REDUCED_SIDE as f64 / short).min((MAX_PIXELS as f64 / pixels as f64).sqrt());
        let (w, h) = (
            (original.0 as f64 * scale).round().max(1.0) as u32,
            (original.1 as f64 * scale).round().max(1.0) as u32,
        );
        let o = options();
        o.set_resize_width(w);
        o.set_resize_height(h);
        o.set_resize_quality(ResizeQuality::High);
        let reduced = bitmap(blob, &o).await.map_err(unusable)?;
        let note = Msg::new("photo-reduced")
            .arg("name", name)
            .arg("megapixels", format!("{:.1}", pixels as f64 / 1e6))
            .arg("width", original.0.to_string())
            .arg("height", original.1.to_string())
            .arg("reduced-width", w.to_string())
            .arg("reduced-height", h.to_string())
            .arg("resize", crate::imagenet::RESIZE.to_string());
        (reduced, Some(note))
    } else {
        (first, None)
    };
    let (w, h) = (bmp.width(), bmp.height());
    let no_canvas = || unusable(Msg::new("errors-photo-no-canvas"));
    let document = window()?
        .document()
        .ok_or_else(|| Msg::new("errors-photo-no-page"))?;
    let canvas: HtmlCanvasElement = document
        .create_element("canvas")
        .map_err(|_| no_canvas())?
        .unchecked_into();
    canvas.set_width(w);
    canvas.set_height(h);
    let ctx: CanvasRenderingContext2d = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .ok_or_else(no_canvas)?
        .unchecked_into();
    ctx.draw_image_with_image_bitmap(&bmp, 0.0, 0.0)
        .map_err(|_| Msg::new("errors-photo-not-drawn").arg("name", name))?;
    bmp.close();
    let data = ctx
        .get_image_data(0.0, 0.0, w as f64, h as f64)
        .map_err(|_| Msg::new("errors-photo-pixels-unreadable").arg("name", name))?
        .data()
        .0;
    let image = Image8::new(w as usize, h as usize, 4, data).map_err(|e| {
        Msg::new("errors-photo-bad-pixels")
            .arg("name", name)
            .arg("detail", e)
    })?;
    Ok(Decoded {
        image,
        original,
        note,
    })
}
