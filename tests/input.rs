//! Decoding real photos and their damaged or hostile variants: every bad input is a typed error.
//! Runs natively (`cargo test`) and in headless Chromium (`cargo test --target wasm32-unknown-unknown`).

mod common;

use common::*;
use gradphoto::input::SourceFormat;
use gradphoto::{decode, Error, Limits, Photo};

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_dedicated_worker);

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn decodes_real_jpeg_and_png() {
    let g = decode(GRACE_JPG, &Limits::default()).unwrap();
    assert_eq!((g.info.width, g.info.height), (512, 600));
    assert_eq!(g.info.format, SourceFormat::Jpeg);
    assert_eq!(g.image.dimensions(), (512, 600));
    let a = decode(ASTRONAUT_PNG, &Limits::default()).unwrap();
    assert_eq!(
        (a.info.width, a.info.height, a.info.format),
        (512, 512, SourceFormat::Png)
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn applies_exif_orientation_and_reads_fields() {
    let src = grace();
    let exif = tiff_exif(
        &[
            Field::Ascii(0x010F, "Apple"),
            Field::Ascii(0x0110, "iPhone 15"),
            Field::Short(0x0112, 6), // rotate 90° clockwise to display
            Field::Ascii(0x0131, "Meitu 9.1"),
        ],
        &[
            Field::Ascii(0x9003, "2026:06:01 10:00:00"),
            Field::Rational(0x920A, 2220, 1000),
            Field::Ascii(0xA434, "iPhone 15 front camera 2.69mm f/1.9"),
        ],
    );
    let photo = decode(&jpeg_with_exif(&src, Some(exif)), &Limits::default()).unwrap();
    assert_eq!(
        (photo.info.stored_width, photo.info.stored_height),
        (512, 600)
    );
    assert_eq!(
        (photo.info.width, photo.info.height),
        (600, 512),
        "rotated upright"
    );
    assert_eq!(photo.info.orientation, 6);
    let e = &photo.info.exif;
    assert_eq!(e.make.as_deref(), Some("Apple"));
    assert_eq!(e.model.as_deref(), Some("iPhone 15"));
    assert_eq!(e.software.as_deref(), Some("Meitu 9.1"));
    assert_eq!(
        e.lens_model.as_deref(),
        Some("iPhone 15 front camera 2.69mm f/1.9")
    );
    assert_eq!(e.date_time_original.as_deref(), Some("2026:06:01 10:00:00"));
    assert!((e.focal_length_mm.unwrap() - 2.22).abs() < 1e-4);

    // The top-left of the upright image is the bottom-left of the stored one (orientation 6).
    let stored = decode(&jpeg_with_exif(&src, None), &Limits::default())
        .unwrap()
        .image;
    let a = photo.image.get_pixel(0, 0).0;
    let b = stored.get_pixel(0, stored.height() - 1).0;
    assert!(
        a.iter().zip(b).all(|(x, y)| x.abs_diff(y) <= 2),
        "{a:?} vs {b:?}"
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn absurd_exif_is_ignored_not_fatal() {
    let exif = tiff_exif(
        &[Field::Short(0x0112, 77)],
        &[Field::Rational(0x920A, 5, 0)],
    );
    let photo = decode(&jpeg_with_exif(&grace(), Some(exif)), &Limits::default()).unwrap();
    assert_eq!(photo.info.orientation, 1);
    assert_eq!(photo.info.exif.focal_length_mm, None);
    let garbage = decode(
        &jpeg_with_exif(&grace(), Some(b"II*\0garbage".to_vec())),
        &Limits::default(),
    );
    assert!(garbage.is_ok());
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn truncated_files_are_corrupt() {
    for cut in [GRACE_JPG.len() / 2, GRACE_JPG.len() - 2, 200, 20] {
        let err = decode(&GRACE_JPG[..cut], &Limits::default()).unwrap_err();
        assert!(
            matches!(err, Error::Corrupt { .. }),
            "cut at {cut}: {err:?}"
        );
    }
    for cut in [ASTRONAUT_PNG.len() / 2, 100, 40] {
        let err = decode(&ASTRONAUT_PNG[..cut], &Limits::default()).unwrap_err();
        assert!(
            matches!(err, Error::Corrupt { .. }),
            "cut at {cut}: {err:?}"
        );
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn bit_flipped_files_never_panic() {
    for (name, file) in [("jpg", GRACE_JPG), ("png", ASTRONAUT_PNG)] {
        for k in 0..40usize {
            let mut bad = file.to_vec();
            let at = (k * 7919 + 13) % bad.len();
            bad[at] ^= 1 << (k % 8);
            // Either a typed error or a decoded image: never a panic.
            if let Ok(p) = decode(&bad, &Limits::default()) {
                assert!(p.image.width() > 0, "{name} flip {k}");
            }
        }
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn giant_headers_are_refused_before_decoding() {
    let png = png_with_header_size(ASTRONAUT_PNG, 100_000, 100_000);
    match decode(&png, &Limits::default()) {
        Err(Error::TooManyPixels {
            width: 100_000,
            height: 100_000,
            max_pixels: 50_000_000,
        }) => {}
        other => panic!("{other:?}"),
    }
    let jpg = jpeg_with_frame(GRACE_JPG, Some(65_535), Some(65_535), None);
    assert!(matches!(
        decode(&jpg, &Limits::default()),
        Err(Error::TooManyPixels { .. })
    ));
    let zero = png_with_header_size(ASTRONAUT_PNG, 0, 512);
    assert!(matches!(
        decode(&zero, &Limits::default()),
        Err(Error::ZeroDimensions | Error::Corrupt { .. })
    ));
    let tight = Limits {
        max_pixels: 512 * 512 - 1,
        ..Limits::default()
    };
    assert!(matches!(
        decode(ASTRONAUT_PNG, &tight),
        Err(Error::TooManyPixels { .. })
    ));
    let small = Limits {
        max_bytes: 1000,
        ..Limits::default()
    };
    assert!(matches!(
        decode(GRACE_JPG, &small),
        Err(Error::TooManyBytes { .. })
    ));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn unsupported_formats_are_named() {
    assert!(matches!(decode(&[], &Limits::default()), Err(Error::Empty)));
    let mut heic = vec![0, 0, 0, 24];
    heic.extend_from_slice(b"ftypheic\0\0\0\0mif1heic");
    heic.extend_from_slice(&[0; 64]);
    match decode(&heic, &Limits::default()) {
        Err(e @ Error::UnsupportedFormat { .. }) => {
            assert!(e.message_en().contains("HEIC"));
            assert!(e.message_zh().contains("HEIC"));
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        decode(&png_with_actl(ASTRONAUT_PNG), &Limits::default()),
        Err(Error::Animated)
    ));
    let cmyk = jpeg_with_frame(GRACE_JPG, None, None, Some(4));
    assert!(matches!(
        decode(&cmyk, &Limits::default()),
        Err(Error::Cmyk)
    ));

    let sixteen =
        image::DynamicImage::ImageRgb16(image::DynamicImage::ImageRgb8(grace()).into_rgb16());
    assert!(matches!(
        decode(&png(&sixteen), &Limits::default()),
        Err(Error::HighBitDepth { bits: 16 })
    ));
    assert!(matches!(
        decode(b"GIF89a\x01\0\x01\0\0\0\0;", &Limits::default()),
        Err(Error::UnsupportedFormat { .. })
    ));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn grey_and_alpha_pngs_become_rgb() {
    let grey =
        image::DynamicImage::ImageLuma8(image::DynamicImage::ImageRgb8(grace()).into_luma8());
    let p = decode(&png(&grey), &Limits::default()).unwrap();
    let px = p.image.get_pixel(100, 100).0;
    assert!(px[0] == px[1] && px[1] == px[2]);
    let mut rgba = image::DynamicImage::ImageRgb8(grace()).into_rgba8();
    rgba.pixels_mut().for_each(|p| p.0[3] = 0);
    let p = decode(
        &png(&image::DynamicImage::ImageRgba8(rgba)),
        &Limits::default(),
    )
    .unwrap();
    assert!(
        p.image.pixels().all(|p| p.0 == [255, 255, 255]),
        "transparent → white"
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn canvas_rgba_is_accepted_and_checked() {
    let g = grace();
    let rgba: Vec<u8> = g
        .pixels()
        .flat_map(|p| [p.0[0], p.0[1], p.0[2], 255])
        .collect();
    let photo = Photo::from_rgba(&rgba, 512, 600, &Limits::default()).unwrap();
    assert_eq!(photo.image, g);
    assert!(matches!(
        Photo::from_rgba(&rgba[..100], 512, 600, &Limits::default()),
        Err(Error::InvalidPixels { .. })
    ));
    assert!(matches!(
        Photo::from_rgba(&[], 0, 0, &Limits::default()),
        Err(Error::ZeroDimensions)
    ));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn errors_carry_codes_and_both_languages() {
    let e = decode(&[], &Limits::default()).unwrap_err();
    let info = e.info();
    assert_eq!(info.code, "input.empty");
    assert!(!info.message_en.is_empty() && !info.message_zh.is_empty());
    assert_ne!(info.message_en, info.message_zh);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn probe_says_what_decode_says_without_the_pixels() {
    // The same facts: plain files, and an EXIF-rotated one (its upright size swapped).
    let exif = tiff_exif(
        &[Field::Short(0x0112, 6), Field::Ascii(0x0131, "Meitu")],
        &[],
    );
    let rotated = jpeg_with_exif(&grace(), Some(exif));
    for file in [GRACE_JPG, ASTRONAUT_PNG, &rotated[..]] {
        let probed = gradphoto::probe(file, &Limits::default()).unwrap();
        assert_eq!(probed, decode(file, &Limits::default()).unwrap().info);
    }
    assert_eq!(
        gradphoto::probe(&rotated, &Limits::default())
            .map(|i| (i.width, i.height))
            .unwrap(),
        (600, 512)
    );
    // The same refusals before the pixels.
    let sixteen =
        image::DynamicImage::ImageRgb16(image::DynamicImage::ImageRgb8(grace()).into_rgb16());
    type Expect = fn(&Error) -> bool;
    let refused: [(&[u8], Expect); 6] = [
        (&[], |e| matches!(e, Error::Empty)),
        (&GRACE_JPG[..GRACE_JPG.len() / 2], |e| {
            matches!(e, Error::Corrupt { .. })
        }),
        (&jpeg_with_frame(GRACE_JPG, None, None, Some(4)), |e| {
            matches!(e, Error::Cmyk)
        }),
        (
            &png_with_header_size(ASTRONAUT_PNG, 100_000, 100_000),
            |e| matches!(e, Error::TooManyPixels { .. }),
        ),
        (&png(&sixteen), |e| {
            matches!(e, Error::HighBitDepth { bits: 16 })
        }),
        (&png_with_actl(ASTRONAUT_PNG), |e| {
            matches!(e, Error::Animated)
        }),
    ];
    for (file, expected) in refused {
        let err = gradphoto::probe(file, &Limits::default()).unwrap_err();
        assert!(expected(&err), "{err:?}");
        assert_eq!(err, decode(file, &Limits::default()).unwrap_err());
    }
}
