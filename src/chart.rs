//! The digest's PNG chart, drawn with plotters into memory: one small panel per rep active
//! this week (their weekly peer score over the team's, so a rep at 36 in a team at 64 shows),
//! laid out for 1 to 30+ reps; only the weeks in which the team posted notes; "No notes yet"
//! for a team without any.
//!
//! [`layout`] is pure (where each panel goes; tests check it against the image), and
//! [`weekly_scores_png`] draws it. The font (DejaVu Sans, `assets/fonts/`) is embedded in the
//! binary and registered with plotters on first use, so the chart renders on a machine with no
//! system fonts.

use crate::core::digest::Digest;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::sync::Once;

const FONT: &[u8] = include_bytes!("../assets/fonts/DejaVuSans.ttf");
const FAMILY: &str = "callnudge-sans";
/// Width of every chart.
pub const WIDTH: u32 = 1200;
/// Height of the title and legend strip.
const HEADER: u32 = 70;
/// Space below the last row of panels.
const FOOTER: u32 = 16;
/// Height of a panel's caption (the rep's name and score).
pub const CAPTION: u32 = 26;

const REP_COLOR: RGBColor = RGBColor(37, 99, 235);
const TEAM_COLOR: RGBColor = RGBColor(150, 150, 150);

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

/// A rectangle of the image: left, top, width, height in pixels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rect {
    pub x: u32,
    pub y: u32,
    pub w: u32,
    pub h: u32,
}

/// Where everything goes for a digest of `panels` panels.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    pub size: (u32, u32),
    /// One per panel, row by row.
    pub panels: Vec<Rect>,
}

/// The grid: up to 3 panels side by side, 4 columns up to 12, then 6 (30 reps: 5 rows).
pub fn layout(panels: usize) -> Layout {
    let columns = match panels {
        0 => 1,
        1..=3 => panels,
        4..=12 => 4,
        _ => 6,
    } as u32;
    let rows = (panels as u32).div_ceil(columns);
    let panel_h = if columns <= 4 { 220 } else { 180 };
    let margin = 12;
    let panel_w = (WIDTH - margin * (columns + 1)) / columns;
    let rects = (0..panels as u32)
        .map(|i| Rect {
            x: margin + (i % columns) * (panel_w + margin),
            y: HEADER + (i / columns) * (panel_h + margin),
            w: panel_w,
            h: panel_h,
        })
        .collect();
    Layout {
        // No panels (no notes yet): the title and its one line.
        size: (WIDTH, HEADER + rows * (panel_h + margin) + FOOTER),
        panels: rects,
    }
}

/// The digest's weeks that have notes: their index in the window and label ("W47").
fn weeks_with_notes(d: &Digest) -> Vec<(usize, String)> {
    d.team_weeks
        .iter()
        .enumerate()
        .filter(|(_, (_, s))| s.is_some())
        .map(|(i, (w, _))| (i, format!("W{:02}", w.week)))
        .collect()
}

/// Each rep's weekly score over the team's, one panel per rep active this week, as a PNG.
/// A team with no notes in the window gets a chart that says so.
pub fn weekly_scores_png(d: &Digest) -> Result<Vec<u8>, ChartError> {
    register_font();
    let weeks = weeks_with_notes(d);
    let panels = if weeks.is_empty() {
        0
    } else {
        d.rows.len().max(1)
    };
    let plan = layout(panels);
    let (w, h) = plan.size;
    let mut rgb = vec![255u8; (w * h * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, plan.size).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let title = format!("{} — weekly peer score, week {}", d.team, d.week);
        root.draw(&Text::new(title, (12, 10), (FAMILY, 24).into_font()))
            .map_err(err)?;
        if weeks.is_empty() {
            let note = "No notes yet: the chart fills in as reps post their call notes.";
            root.draw(&Text::new(
                note,
                (12, 40),
                (FAMILY, 18).into_font().color(&BLACK),
            ))
            .map_err(err)?;
        } else {
            legend(&root)?;
            let team: Vec<Option<f64>> = d.team_weeks.iter().map(|(_, s)| *s).collect();
            if d.rows.is_empty() {
                let area = sub(&root, plan.panels[0]);
                panel(&area, "Team (no rep posted this week)", None, &team, &weeks)?;
            }
            for (row, rect) in d.rows.iter().zip(&plan.panels) {
                let caption = match row.score {
                    Some(s) => format!("{} · {s:.0}", row.rep),
                    None => row.rep.clone(),
                };
                panel(
                    &sub(&root, *rect),
                    &caption,
                    Some(&row.recent),
                    &team,
                    &weeks,
                )?;
            }
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

fn sub<'a>(
    root: &DrawingArea<BitMapBackend<'a>, Shift>,
    r: Rect,
) -> DrawingArea<BitMapBackend<'a>, Shift> {
    let (x, y) = (r.x as i32, r.y as i32);
    root.clone().shrink((x, y), (r.w, r.h))
}

fn legend(root: &DrawingArea<BitMapBackend<'_>, Shift>) -> Result<(), ChartError> {
    let y = 50;
    root.draw(&PathElement::new(
        vec![(14, y), (44, y)],
        REP_COLOR.stroke_width(3),
    ))
    .map_err(err)?;
    root.draw(&Text::new("the rep", (50, y - 8), (FAMILY, 15).into_font()))
        .map_err(err)?;
    root.draw(&PathElement::new(
        vec![(130, y), (160, y)],
        TEAM_COLOR.stroke_width(2),
    ))
    .map_err(err)?;
    root.draw(&Text::new(
        "team average (0–100, higher = more peer-like)",
        (166, y - 8),
        (FAMILY, 15).into_font(),
    ))
    .map_err(err)?;
    Ok(())
}

/// One panel: the caption, the team's line in grey and (for a rep) the rep's line on top.
fn panel(
    area: &DrawingArea<BitMapBackend<'_>, Shift>,
    caption: &str,
    rep: Option<&[Option<f64>]>,
    team: &[Option<f64>],
    weeks: &[(usize, String)],
) -> Result<(), ChartError> {
    area.fill(&RGBColor(248, 249, 251)).map_err(err)?;
    // The weeks with notes, evenly spaced; half a step of room at each end, so the first and
    // last points are never clipped.
    let k = weeks.len();
    let mut chart = ChartBuilder::on(area)
        .caption(caption, (FAMILY, 16))
        .margin(6)
        .x_label_area_size(22)
        .y_label_area_size(30)
        .build_cartesian_2d(-0.5f64..(k as f64 - 0.5), 0f64..100f64)
        .map_err(err)?;
    let labels: Vec<&str> = weeks.iter().map(|(_, l)| l.as_str()).collect();
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(k.min(8))
        .x_label_formatter(&|x| {
            let i = x.round();
            if (x - i).abs() < 0.01 && i >= 0.0 {
                labels
                    .get(i as usize)
                    .map(|l| l.to_string())
                    .unwrap_or_default()
            } else {
                String::new()
            }
        })
        .y_labels(3)
        .y_label_formatter(&|v| format!("{v:.0}"))
        .label_style((FAMILY, 12))
        .max_light_lines(0)
        .draw()
        .map_err(err)?;
    let at = |series: &[Option<f64>]| -> Vec<Option<(f64, f64)>> {
        weeks
            .iter()
            .enumerate()
            .map(|(x, (i, _))| series.get(*i).copied().flatten().map(|v| (x as f64, v)))
            .collect()
    };
    line(&mut chart, &at(team), TEAM_COLOR, 2, 3)?;
    if let Some(rep) = rep {
        line(&mut chart, &at(rep), REP_COLOR, 3, 4)?;
    }
    Ok(())
}

type Chart<'a, 'b> = ChartContext<
    'a,
    BitMapBackend<'b>,
    Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
>;

/// A line through the points, broken where a week has no notes, with a dot on each point.
fn line(
    chart: &mut Chart<'_, '_>,
    points: &[Option<(f64, f64)>],
    color: RGBColor,
    width: u32,
    dot: i32,
) -> Result<(), ChartError> {
    for run in points.split(Option::is_none) {
        let run: Vec<(f64, f64)> = run.iter().flatten().copied().collect();
        chart
            .draw_series(LineSeries::new(run.clone(), color.stroke_width(width)))
            .map_err(err)?;
        chart
            .draw_series(run.into_iter().map(|p| Circle::new(p, dot, color.filled())))
            .map_err(err)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::digest::build;
    use crate::core::record::StoredFinding;
    use crate::core::{Category, NoteRecord, TeamSettings, Week};
    use chrono::{Duration, TimeZone, Utc};

    /// A digest of `reps` reps over eight weeks (the first two without notes).
    fn digest(reps: usize) -> Digest {
        let team = TeamSettings::new("acme");
        let end = Utc.with_ymd_and_hms(2026, 11, 25, 12, 0, 0).unwrap();
        let mut notes = Vec::new();
        for r in 0..reps {
            for week in 0..6 {
                let at = end - Duration::weeks(week);
                let score = ((r * 37 + week as usize * 11) % 90 + 5) as u8;
                notes.push(NoteRecord {
                    id: (r * 100 + week as usize) as u64,
                    team: "acme".into(),
                    rep: format!("rep{}", r + 1),
                    at,
                    score,
                    findings: vec![StoredFinding {
                        rule: "checking-in".into(),
                        category: Category::Chasing,
                        start: 0,
                        end: 1,
                    }],
                    text: None,
                });
            }
        }
        let wording = crate::prompts::Prompts::embedded().unwrap().digest;
        build(
            &team,
            Week::of(end, team.schedule.tz),
            &notes,
            &[],
            &wording,
        )
    }

    fn decode(png: &[u8]) -> image::RgbImage {
        image::load_from_memory(png).unwrap().to_rgb8()
    }

    /// Dark pixels (text, lines) inside `r`.
    fn ink(img: &image::RgbImage, r: Rect) -> usize {
        (r.x..r.x + r.w)
            .flat_map(|x| (r.y..r.y + r.h).map(move |y| (x, y)))
            .filter(|&(x, y)| img.get_pixel(x, y).0.iter().all(|&c| c < 120))
            .count()
    }

    /// Charts of 3, 12 and 30 reps: one panel each, every panel inside the image with its
    /// caption drawn, the last week's dot inside its panel; written to `target/charts/` to be
    /// looked at.
    #[test]
    fn every_rep_gets_a_panel_with_its_name_and_nothing_is_clipped() {
        let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/charts");
        std::fs::create_dir_all(&out).unwrap();
        for reps in [3, 12, 30] {
            let d = digest(reps);
            assert_eq!(d.rows.len(), reps);
            let png = weekly_scores_png(&d).unwrap();
            std::fs::write(out.join(format!("digest-{reps}-reps.png")), &png).unwrap();
            let img = decode(&png);
            let plan = layout(reps);
            assert_eq!(img.dimensions(), plan.size);
            assert_eq!(plan.panels.len(), reps);
            for (i, p) in plan.panels.iter().enumerate() {
                assert!(
                    p.x + p.w <= plan.size.0 && p.y + p.h <= plan.size.1,
                    "panel {i}"
                );
                let caption = Rect { h: CAPTION, ..*p };
                assert!(
                    ink(&img, caption) > 30,
                    "{reps} reps: rep{} has no caption",
                    i + 1
                );
                // The last week's point: blue pixels near the panel's right edge.
                let right = Rect {
                    x: p.x + p.w * 3 / 4,
                    y: p.y + CAPTION,
                    w: p.w / 4 - 4,
                    h: p.h - CAPTION - 24,
                };
                let blue = (right.x..right.x + right.w)
                    .flat_map(|x| (right.y..right.y + right.h).map(move |y| (x, y)))
                    .filter(|&(x, y)| img.get_pixel(x, y).0 == [37, 99, 235])
                    .count();
                assert!(blue > 10, "{reps} reps: rep{}'s last point missing", i + 1);
            }
            // Different reps, different lines: no two panels are the same picture.
            let a = image::imageops::crop_imm(&img, plan.panels[0].x, plan.panels[0].y, 100, 100);
            let b = image::imageops::crop_imm(&img, plan.panels[1].x, plan.panels[1].y, 100, 100);
            assert_ne!(a.to_image().into_raw(), b.to_image().into_raw());
        }
    }

    /// A team with no notes gets a chart that says so, not an empty grid.
    #[test]
    fn an_empty_team_gets_a_no_notes_chart() {
        let d = digest(0);
        let png = weekly_scores_png(&d).unwrap();
        let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/charts");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("digest-empty.png"), &png).unwrap();
        let img = decode(&png);
        assert_eq!(img.dimensions(), layout(0).size);
        let message = Rect {
            x: 12,
            y: 40,
            w: 500,
            h: 24,
        };
        assert!(ink(&img, message) > 100, "the 'No notes yet' line is drawn");
    }
}
