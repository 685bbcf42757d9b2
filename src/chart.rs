//! The digest's PNG chart: the team's mean peer score per week, drawn with plotters into memory.
//!
//! The font (DejaVu Sans, `assets/fonts/`) is embedded in the binary and registered with
//! plotters on first use, so the chart renders on a machine with no system fonts.

use crate::core::digest::Digest;
use plotters::prelude::*;
use std::sync::Once;

const FONT: &[u8] = include_bytes!("../assets/fonts/DejaVuSans.ttf");
const FAMILY: &str = "callnudge-sans";
const SIZE: (u32, u32) = (800, 400);

/// Why a chart could not be drawn.
#[derive(Debug, thiserror::Error)]
#[error("the digest chart could not be drawn: {0}")]
pub struct ChartError(String);

fn register_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The font is a constant of this build: failing to parse it is a build defect.
        if plotters::style::register_font(FAMILY, FontStyle::Normal, FONT).is_err() {
            tracing::error!("the embedded chart font could not be registered");
        }
    });
}

fn err(e: impl std::fmt::Display) -> ChartError {
    ChartError(e.to_string())
}

/// The team's weekly scores as a PNG image (800×400). Weeks with no notes are gaps.
pub fn weekly_scores_png(d: &Digest) -> Result<Vec<u8>, ChartError> {
    register_font();
    let (w, h) = SIZE;
    let mut rgb = vec![255u8; (w * h * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let n = d.team_weeks.len().max(1);
        let title = format!("{} — weekly peer score", d.team);
        let mut chart = ChartBuilder::on(&root)
            .caption(title, (FAMILY, 22))
            .margin(16)
            .x_label_area_size(36)
            .y_label_area_size(64)
            .build_cartesian_2d(0usize..n.saturating_sub(1).max(1), 0f64..100f64)
            .map_err(err)?;
        let labels: Vec<String> = d
            .team_weeks
            .iter()
            .map(|(wk, _)| format!("W{:02}", wk.week))
            .collect();
        chart
            .configure_mesh()
            .x_labels(n)
            .x_label_formatter(&|i| labels.get(*i).cloned().unwrap_or_default())
            .y_label_formatter(&|v| format!("{v:.0}"))
            .y_desc("score (higher = more peer-like)")
            .label_style((FAMILY, 14))
            .draw()
            .map_err(err)?;
        // One line per run of consecutive weeks with data; a week with no notes breaks the line.
        let mut run: Vec<(usize, f64)> = Vec::new();
        let mut runs = Vec::new();
        for (i, (_, s)) in d.team_weeks.iter().enumerate() {
            match s {
                Some(v) => run.push((i, *v)),
                None => runs.push(std::mem::take(&mut run)),
            }
        }
        runs.push(run);
        let color = RGBColor(37, 99, 235);
        for r in runs.into_iter().filter(|r| !r.is_empty()) {
            chart
                .draw_series(LineSeries::new(r.clone(), color.stroke_width(3)))
                .map_err(err)?;
            chart
                .draw_series(r.into_iter().map(|p| Circle::new(p, 5, color.filled())))
                .map_err(err)?;
        }
        root.present().map_err(err)?;
    }
    let img = image::RgbImage::from_raw(w, h, rgb).ok_or_else(|| err("buffer size"))?;
    let mut png = Vec::new();
    img.write_to(
        &mut std::io::Cursor::new(&mut png),
        image::ImageOutputFormat::Png,
    )
    .map_err(err)?;
    Ok(png)
}
