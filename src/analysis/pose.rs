//! Head pose from the 3-D mesh: the rotation that best maps a canonical 3-D face onto the
//! measured landmarks (Horn's closed-form absolute orientation with unit quaternions), then yaw,
//! pitch and roll from that rotation.
//!
//! The canonical face is a generic adult head (anthropometric averages in millimetres at six
//! stable points: nose tip, chin, outer eye corners, mouth corners). Fitting in 3-D uses the
//! mesh's depth as well as its image position, so a turned head is not confused with a narrow
//! one, as 2-D ratios are.

use serde::Serialize;

use super::mesh;

/// Degrees. Signs, as seen in the photo: `yaw > 0` the nose points to the image's right (the
/// subject turned to their left); `pitch > 0` the face points down; `roll > 0` the head is
/// tilted counter-clockwise.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct HeadPose {
    pub yaw_deg: f32,
    pub pitch_deg: f32,
    pub roll_deg: f32,
    /// Root-mean-square distance between the fitted canonical points and the mesh, as a share of
    /// the face scale: large values mean the fit (and so the pose) is unreliable.
    pub fit_error: f32,
}

/// Canonical points: x to the image's right, y up, z towards the camera.
const CANONICAL: [(usize, [f64; 3]); 6] = [
    (mesh::NOSE_TIP, [0.0, 0.0, 0.0]),
    (mesh::CHIN, [0.0, -63.6, -12.5]),
    (mesh::RIGHT_EYE_OUTER, [-43.3, 32.7, -26.0]),
    (mesh::LEFT_EYE_OUTER, [43.3, 32.7, -26.0]),
    (mesh::MOUTH_RIGHT, [-28.9, -28.9, -24.1]),
    (mesh::MOUTH_LEFT, [28.9, -28.9, -24.1]),
];

/// Fit the canonical face to mesh points in image pixels (y down, smaller z nearer).
pub fn estimate(points: &[[f32; 3]]) -> Option<HeadPose> {
    // Measured points in the canonical frame's handedness: y up, z towards the camera.
    let measured: Vec<[f64; 3]> = CANONICAL
        .iter()
        .map(|&(i, _)| {
            points
                .get(i)
                .map(|p| [f64::from(p[0]), -f64::from(p[1]), -f64::from(p[2])])
        })
        .collect::<Option<_>>()?;
    let model: Vec<[f64; 3]> = CANONICAL.iter().map(|&(_, c)| c).collect();
    let (cm, cp) = (centroid(&model), centroid(&measured));
    let a: Vec<[f64; 3]> = model.iter().map(|p| sub(*p, cm)).collect();
    let b: Vec<[f64; 3]> = measured.iter().map(|p| sub(*p, cp)).collect();

    // Cross-covariance S = Σ a bᵀ and Horn's symmetric 4×4 matrix; its dominant eigenvector is
    // the rotation quaternion taking a onto b.
    let mut s = [[0.0f64; 3]; 3];
    for (p, q) in a.iter().zip(&b) {
        for i in 0..3 {
            for j in 0..3 {
                s[i][j] += p[i] * q[j];
            }
        }
    }
    let [[sxx, sxy, sxz], [syx, syy, syz], [szx, szy, szz]] = s;
    let n = [
        [sxx + syy + szz, syz - szy, szx - sxz, sxy - syx],
        [syz - szy, sxx - syy - szz, sxy + syx, szx + sxz],
        [szx - sxz, sxy + syx, -sxx + syy - szz, syz + szy],
        [sxy - syx, szx + sxz, syz + szy, -sxx - syy + szz],
    ];
    let q = dominant_eigenvector(n)?;
    let r = quaternion_to_matrix(q);

    // Scale and residual, to report how well a rigid face explains the mesh.
    let norm_a: f64 = a.iter().map(|p| dot(*p, *p)).sum();
    let scale = b
        .iter()
        .zip(&a)
        .map(|(q, p)| dot(*q, mul(&r, *p)))
        .sum::<f64>()
        / norm_a;
    let residual: f64 = b
        .iter()
        .zip(&a)
        .map(|(q, p)| {
            let d = sub(*q, scale_v(mul(&r, *p), scale));
            dot(d, d)
        })
        .sum();
    let rms = (residual / b.len() as f64).sqrt() / (scale * (norm_a / a.len() as f64).sqrt());

    // R = Rz(roll) · Ry(yaw) · Rx(pitch).
    let yaw = (-r[2][0]).clamp(-1.0, 1.0).asin();
    let pitch = r[2][1].atan2(r[2][2]);
    let roll = r[1][0].atan2(r[0][0]);
    Some(HeadPose {
        yaw_deg: yaw.to_degrees() as f32,
        pitch_deg: pitch.to_degrees() as f32,
        roll_deg: roll.to_degrees() as f32,
        fit_error: rms as f32,
    })
}

fn centroid(points: &[[f64; 3]]) -> [f64; 3] {
    let n = points.len() as f64;
    let s = points.iter().fold([0.0; 3], |acc, p| {
        [acc[0] + p[0], acc[1] + p[1], acc[2] + p[2]]
    });
    [s[0] / n, s[1] / n, s[2] / n]
}

fn sub(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
}

fn dot(a: [f64; 3], b: [f64; 3]) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

fn scale_v(a: [f64; 3], k: f64) -> [f64; 3] {
    [a[0] * k, a[1] * k, a[2] * k]
}

fn mul(m: &[[f64; 3]; 3], v: [f64; 3]) -> [f64; 3] {
    [dot(m[0], v), dot(m[1], v), dot(m[2], v)]
}

/// Jacobi eigen-decomposition of a symmetric 4×4 matrix; returns the unit eigenvector of the
/// largest eigenvalue.
fn dominant_eigenvector(mut a: [[f64; 4]; 4]) -> Option<[f64; 4]> {
    let mut v = [[0.0f64; 4]; 4];
    for (i, row) in v.iter_mut().enumerate() {
        row[i] = 1.0;
    }
    for _sweep in 0..50 {
        let off: f64 = (0..4)
            .flat_map(|i| (0..4).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| a[i][j] * a[i][j])
            .sum();
        if off < 1e-18 {
            break;
        }
        for p in 0..3 {
            for q in p + 1..4 {
                if a[p][q].abs() < 1e-300 {
                    continue;
                }
                let theta = (a[q][q] - a[p][p]) / (2.0 * a[p][q]);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                // A ← Jᵀ A J: first the columns p and q, then the rows.
                for row in a.iter_mut() {
                    let (akp, akq) = (row[p], row[q]);
                    row[p] = c * akp - s * akq;
                    row[q] = s * akp + c * akq;
                }
                let (row_p, row_q) = (a[p], a[q]);
                for k in 0..4 {
                    a[p][k] = c * row_p[k] - s * row_q[k];
                    a[q][k] = s * row_p[k] + c * row_q[k];
                }
                for row in v.iter_mut() {
                    let (vkp, vkq) = (row[p], row[q]);
                    row[p] = c * vkp - s * vkq;
                    row[q] = s * vkp + c * vkq;
                }
            }
        }
    }
    let best = (0..4).max_by(|&i, &j| a[i][i].total_cmp(&a[j][j]))?;
    let e = [v[0][best], v[1][best], v[2][best], v[3][best]];
    let norm = e.iter().map(|x| x * x).sum::<f64>().sqrt();
    (norm.is_finite() && norm > 0.0).then(|| e.map(|x| x / norm))
}

fn quaternion_to_matrix([w, x, y, z]: [f64; 4]) -> [[f64; 3]; 3] {
    [
        [
            w * w + x * x - y * y - z * z,
            2.0 * (x * y - w * z),
            2.0 * (x * z + w * y),
        ],
        [
            2.0 * (x * y + w * z),
            w * w - x * x + y * y - z * z,
            2.0 * (y * z - w * x),
        ],
        [
            2.0 * (x * z - w * y),
            2.0 * (y * z + w * x),
            w * w - x * x - y * y + z * z,
        ],
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Place the canonical face in "image" coordinates under a known rotation and check the fit
    /// recovers it.
    fn synthetic(yaw: f64, pitch: f64, roll: f64) -> Vec<[f32; 3]> {
        let (cy, sy, cp, sp, cr, sr) = (
            yaw.cos(),
            yaw.sin(),
            pitch.cos(),
            pitch.sin(),
            roll.cos(),
            roll.sin(),
        );
        let rz = [[cr, -sr, 0.0], [sr, cr, 0.0], [0.0, 0.0, 1.0]];
        let ry = [[cy, 0.0, sy], [0.0, 1.0, 0.0], [-sy, 0.0, cy]];
        let rx = [[1.0, 0.0, 0.0], [0.0, cp, -sp], [0.0, sp, cp]];
        let mut points = vec![[0.0f32; 3]; 468];
        for &(i, c) in &CANONICAL {
            let p = mul(&rz, mul(&ry, mul(&rx, c)));
            // Scale 3 px/mm, shift, and convert to image axes (y down, z away).
            points[i] = [
                (p[0] * 3.0 + 500.0) as f32,
                (-p[1] * 3.0 + 400.0) as f32,
                (-p[2] * 3.0) as f32,
            ];
        }
        points
    }

    #[test]
    fn recovers_known_rotations() {
        for (yaw, pitch, roll) in [
            (0.0, 0.0, 0.0),
            (10.0, 0.0, 0.0),
            (0.0, -7.0, 0.0),
            (0.0, 0.0, 12.0),
            (5.0, 4.0, -9.0),
        ] {
            let pose = estimate(&synthetic(
                f64::to_radians(yaw),
                f64::to_radians(pitch),
                f64::to_radians(roll),
            ))
            .unwrap();
            assert!(
                (pose.yaw_deg as f64 - yaw).abs() < 0.01,
                "{pose:?} vs yaw {yaw}"
            );
            assert!(
                (pose.pitch_deg as f64 - pitch).abs() < 0.01,
                "{pose:?} vs pitch {pitch}"
            );
            assert!(
                (pose.roll_deg as f64 - roll).abs() < 0.01,
                "{pose:?} vs roll {roll}"
            );
            assert!(pose.fit_error < 1e-4);
        }
    }
}
