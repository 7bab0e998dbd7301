mod common;
use common::*;
#[test]
fn dump() {
    for (name, img) in [("grace", grace()), ("astronaut", astronaut())] {
        let a = analyzer().analyze(&img).unwrap();
        let m = a.mask.as_ref().unwrap();
        let u = m.to_u8(img.width(), img.height());
        image::GrayImage::from_raw(img.width(), img.height(), u)
            .unwrap()
            .save(format!("/tmp/dump/{name}_mask.png"))
            .unwrap();
        img.save(format!("/tmp/dump/{name}.png")).unwrap();
        std::fs::write(
            format!("/tmp/dump/{name}.json"),
            serde_json::to_string(&a).unwrap(),
        )
        .unwrap();
    }
}
