//! Line charts as a standalone SVG file: what the long run draws for each scenario, one panel
//! per scale (emission dwarfs an attacker's net, which is what matters).

use std::fmt::Write;

/// One line of a chart.
pub struct Series<'a> {
	pub label: &'a str,
	pub color: &'a str,
	pub values: Vec<f64>,
}

const WIDTH: f64 = 760.0;
const HEIGHT: f64 = 300.0;
/// Most points drawn per line: a long run is thinned to this many, evenly.
const MAX_POINTS: usize = 400;
const LEFT: f64 = 70.0;
const RIGHT: f64 = 20.0;
const TOP: f64 = 40.0;
const BOTTOM: f64 = 40.0;

/// Panels stacked in one SVG, each a [`line_chart`] with its own scale.
pub fn stacked(panels: &[String]) -> String {
	let mut svg = format!(
		r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{}" font-family="sans-serif" font-size="12">"#,
		HEIGHT * panels.len() as f64
	);
	svg.push('\n');
	for (i, panel) in panels.iter().enumerate() {
		svg.push_str(&format!(r#"<g transform="translate(0 {})">"#, HEIGHT * i as f64));
		svg.push('\n');
		// The inner panel's own <svg> wrapper is dropped: only its drawing is kept.
		let body = panel.lines().skip(1).take_while(|line| *line != "</svg>").collect::<Vec<_>>().join("\n");
		svg.push_str(&body);
		svg.push_str("\n</g>\n");
	}
	svg.push_str("</svg>\n");
	svg
}

/// `series` over the epochs from `first_epoch` on one chart titled `title`, the y axis in
/// `unit`.
pub fn line_chart(title: &str, unit: &str, first_epoch: usize, series: &[Series]) -> String {
	let epochs = series.iter().map(|s| s.values.len()).max().unwrap_or(0);
	let series: Vec<Series> = series
		.iter()
		.map(|s| Series { label: s.label, color: s.color, values: thin(&s.values) })
		.collect();
	let series = &series[..];
	let points = series.iter().map(|s| s.values.len()).max().unwrap_or(0).max(2);
	let (mut low, mut high) = (0.0f64, 0.0f64);
	for value in series.iter().flat_map(|s| s.values.iter()) {
		low = low.min(*value);
		high = high.max(*value);
	}
	if high - low < f64::EPSILON {
		high = low + 1.0;
	}
	let x = |i: usize| LEFT + (WIDTH - LEFT - RIGHT) * i as f64 / (points - 1) as f64;
	let y = |v: f64| TOP + (HEIGHT - TOP - BOTTOM) * (high - v) / (high - low);

	let mut svg = String::new();
	let _ = writeln!(svg, r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" font-family="sans-serif" font-size="12">"#);
	let _ = writeln!(svg, r#"<rect width="100%" height="100%" fill="white"/>"#);
	let _ = writeln!(svg, r#"<text x="{LEFT}" y="20" font-size="14" font-weight="bold">{}</text>"#, escape(title));
	// Axes, the zero line, and the range.
	let _ = writeln!(svg, r##"<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{}" stroke="#444"/>"##, HEIGHT - BOTTOM);
	let _ = writeln!(svg, r##"<line x1="{LEFT}" y1="{0}" x2="{1}" y2="{0}" stroke="#888" stroke-dasharray="4 3"/>"##, y(0.0), WIDTH - RIGHT);
	let _ = writeln!(svg, r#"<text x="{}" y="{}" text-anchor="end">{}</text>"#, LEFT - 6.0, TOP + 4.0, number(high));
	let _ = writeln!(svg, r#"<text x="{}" y="{}" text-anchor="end">{}</text>"#, LEFT - 6.0, HEIGHT - BOTTOM, number(low));
	// The zero line's label, unless the range's own labels already stand there.
	if low < 0.0 && high > 0.0 && y(0.0) - TOP > 14.0 && HEIGHT - BOTTOM - y(0.0) > 14.0 {
		let _ = writeln!(svg, r#"<text x="{}" y="{}" text-anchor="end">0</text>"#, LEFT - 6.0, y(0.0) + 4.0);
	}
	let _ = writeln!(svg, r#"<text x="{LEFT}" y="{}">epoch {first_epoch}</text>"#, HEIGHT - BOTTOM + 16.0);
	let _ = writeln!(svg, r#"<text x="{}" y="{}" text-anchor="end">epoch {}</text>"#, WIDTH - RIGHT, HEIGHT - BOTTOM + 16.0, first_epoch + epochs.saturating_sub(1));
	let _ = writeln!(svg, r#"<text x="12" y="{}" transform="rotate(-90 12 {0})" text-anchor="middle">{}</text>"#, HEIGHT / 2.0, escape(unit));
	for (n, line) in series.iter().enumerate() {
		let path: Vec<String> = line.values.iter().enumerate().map(|(i, v)| format!("{:.1},{:.1}", x(i), y(*v))).collect();
		let _ = writeln!(svg, r#"<polyline fill="none" stroke="{}" stroke-width="1.5" points="{}"/>"#, line.color, path.join(" "));
		let lx = LEFT + 10.0 + 200.0 * n as f64;
		let _ = writeln!(svg, r#"<rect x="{lx}" y="{}" width="12" height="3" fill="{}"/>"#, HEIGHT - 12.0, line.color);
		let _ = writeln!(svg, r#"<text x="{}" y="{}">{}</text>"#, lx + 16.0, HEIGHT - 8.0, escape(line.label));
	}
	svg.push_str("</svg>\n");
	svg
}

/// At most `MAX_POINTS` of `values`, evenly spaced, the last one kept.
fn thin(values: &[f64]) -> Vec<f64> {
	if values.len() <= MAX_POINTS {
		return values.to_vec();
	}
	let step = values.len().div_ceil(MAX_POINTS);
	let mut thinned: Vec<f64> = values.iter().step_by(step).copied().collect();
	if (values.len() - 1) % step != 0 {
		thinned.extend(values.last());
	}
	thinned
}

fn number(value: f64) -> String {
	if value.abs() >= 100.0 {
		format!("{value:.0}")
	} else {
		format!("{value:.3}")
	}
}

fn escape(text: &str) -> String {
	text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn a_chart_has_a_line_per_series_within_its_frame() {
		let svg = line_chart(
			"t <1>",
			"DPN",
			0,
			&[
				Series { label: "a", color: "red", values: vec![0.0, 2.0, 1.0] },
				Series { label: "b", color: "blue", values: vec![-1.0, 0.5] },
			],
		);
		assert_eq!(svg.matches("<polyline").count(), 2);
		assert!(svg.contains("t &lt;1&gt;") && svg.ends_with("</svg>\n"));
		// The highest point is at the top of the plot, the lowest at the bottom.
		assert!(svg.contains(&format!("{:.1},{:.1}", x_of(1, 3), TOP)));
		assert!(svg.contains(&format!("{:.1},{:.1}", LEFT, HEIGHT - BOTTOM)));
	}

	#[test]
	fn long_series_are_thinned_and_panels_stack() {
		let long: Vec<f64> = (0..2_000).map(f64::from).collect();
		let thinned = thin(&long);
		assert!(thinned.len() <= MAX_POINTS + 1);
		assert_eq!((thinned[0], *thinned.last().unwrap()), (0.0, 1_999.0));
		let panel = line_chart("p", "u", 0, &[Series { label: "a", color: "red", values: long }]);
		let both = stacked(&[panel.clone(), panel]);
		assert_eq!(both.matches("<svg").count(), 1);
		assert_eq!(both.matches("<polyline").count(), 2);
		assert!(both.contains(&format!(r#"height="{}""#, 2.0 * HEIGHT)));
		assert!(both.contains("epoch 1999"), "the axis names the real last epoch");
	}

	fn x_of(i: usize, points: usize) -> f64 {
		LEFT + (WIDTH - LEFT - RIGHT) * i as f64 / (points - 1) as f64
	}
}
