//! CSV parsing: values read exactly, header detection, and errors naming line and column.

use crate::common;

use common::{gzip, scratch_dir};
use scalpel_data::formats::csv::{parse_csv, parse_labeled_csv, read_csv, CsvOptions, Header};
use scalpel_data::DataError;

fn opts(header: Header) -> CsvOptions {
    CsvOptions::default().header(header)
}

#[test]
fn numbers_without_header_are_read_exactly_row_major() {
    let t = parse_csv::<f64>(b"6.1101,17.592\n5.5277,-9.1302\n", "f", opts(Header::Auto)).unwrap();
    assert_eq!(t.header, None);
    assert_eq!(t.values.dims(), &[2, 2]);
    assert_eq!(t.values.to_vec(), vec![6.1101, 17.592, 5.5277, -9.1302]);
}

#[test]
fn header_is_detected_when_the_first_line_is_not_numeric() {
    let t = parse_csv::<f64>(b"x,y\n1,-4.387382739157175e-05\n", "w", opts(Header::Auto)).unwrap();
    assert_eq!(t.header.unwrap(), vec!["x", "y"]);
    assert_eq!(t.values.to_vec(), vec![1.0, -4.387382739157175e-05]);
}

#[test]
fn explicit_header_setting_overrides_detection() {
    // A numeric first line declared as a header is skipped.
    let t = parse_csv::<f32>(b"1,2\n3,4\n", "f", opts(Header::Present)).unwrap();
    assert_eq!(t.header.unwrap(), vec!["1", "2"]);
    assert_eq!(t.values.to_vec(), vec![3.0, 4.0]);
    // A text first line declared as data is an error at line 1.
    let e = parse_csv::<f32>(b"x,y\n3,4\n", "f", opts(Header::Absent)).unwrap_err();
    assert!(
        matches!(
            e,
            DataError::Field {
                line: 1,
                column: 1,
                ..
            }
        ),
        "{e:?}"
    );
}

#[test]
fn crlf_blank_lines_spaces_and_other_delimiters_are_accepted() {
    let bytes = b"a; b\r\n\r\n 1 ;2\r\n\n3;4.5\r\n\n";
    let t = parse_csv::<f64>(bytes, "f", CsvOptions::default().delimiter(';')).unwrap();
    assert_eq!(t.header.unwrap(), vec!["a", "b"]);
    assert_eq!(t.values.dims(), &[2, 2]);
    assert_eq!(t.values.to_vec(), vec![1.0, 2.0, 3.0, 4.5]);
}

#[test]
fn a_non_number_names_line_column_and_text() {
    let e = parse_csv::<f32>(b"1,2\n3,4\n5,x6\n", "data.csv", opts(Header::Auto)).unwrap_err();
    match &e {
        DataError::Field {
            file,
            line,
            column,
            found,
            ..
        } => assert_eq!(
            (file.as_str(), *line, *column, found.as_str()),
            ("data.csv", 3, 2, "x6")
        ),
        other => panic!("expected Field, got {other:?}"),
    }
    assert_eq!(
        e.to_string(),
        "data.csv:3:2: expected a number, found \"x6\""
    );
}

#[test]
fn a_byte_order_mark_is_not_part_of_the_first_field() {
    // Without stripping it, "\u{feff}1" is not a number and the first data row becomes a header.
    let t = parse_csv::<f64>(b"\xEF\xBB\xBF1,2\n3,4\n", "f", opts(Header::Auto)).unwrap();
    assert_eq!(t.header, None);
    assert_eq!(t.values.to_vec(), vec![1.0, 2.0, 3.0, 4.0]);
    let t = parse_csv::<f64>(b"\xEF\xBB\xBFx,y\n3,4\n", "f", opts(Header::Auto)).unwrap();
    assert_eq!(t.header.unwrap(), vec!["x", "y"]);
}

#[test]
fn a_number_beyond_the_float_range_is_an_error_but_written_infinities_are_read() {
    let e = parse_csv::<f32>(b"1,2\n3,1e40\n", "f", opts(Header::Auto)).unwrap_err();
    assert_eq!(
        e.to_string(),
        "f:2:2: expected a number within the range of f32, found \"1e40\""
    );
    let e = parse_csv::<f32>(b"-1e39\n", "f", opts(Header::Auto)).unwrap_err();
    assert!(matches!(e, DataError::Field { line: 1, .. }), "{e:?}");
    // In f64, 1e40 is in range.
    let t = parse_csv::<f64>(b"1,2\n3,1e40\n", "f", opts(Header::Auto)).unwrap();
    assert_eq!(t.values.to_vec()[3], 1e40);
    let t = parse_csv::<f32>(b"inf,-Infinity,+inf,NaN\n", "f", opts(Header::Absent)).unwrap();
    let v = t.values.to_vec();
    assert_eq!(v[..3], [f32::INFINITY, f32::NEG_INFINITY, f32::INFINITY]);
    assert!(v[3].is_nan());
}

#[test]
fn a_row_with_another_field_count_is_ragged_with_its_line() {
    let e = parse_csv::<f32>(b"x,y\n1,2\n\n3,4,5\n", "f", opts(Header::Auto)).unwrap_err();
    assert!(
        matches!(
            e,
            DataError::RaggedRow {
                line: 4,
                expected: 2,
                found: 3,
                ..
            }
        ),
        "{e:?}"
    );
}

#[test]
fn invalid_utf8_names_its_line() {
    let e = parse_csv::<f32>(b"1,2\n3,\xff\n", "f", opts(Header::Auto)).unwrap_err();
    assert!(matches!(e, DataError::InvalidUtf8 { line: 2, .. }), "{e:?}");
}

#[test]
fn no_data_rows_is_empty() {
    for bytes in [&b""[..], b"\n\n", b"x,y\n"] {
        let e = parse_csv::<f32>(bytes, "f", opts(Header::Auto)).unwrap_err();
        assert!(matches!(e, DataError::Empty { .. }), "{bytes:?}: {e:?}");
    }
}

#[test]
fn class_names_map_to_fixed_indices_or_first_appearance() {
    let bytes = b"1,2,b\n3,4,a\n5,6,b\n";
    let fixed =
        parse_labeled_csv::<f32>(bytes, "f", opts(Header::Auto), Some(&["a", "b"])).unwrap();
    assert_eq!(fixed.features.to_vec(), vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
    assert_eq!(fixed.labels.to_vec(), vec![1, 0, 1]);
    assert_eq!(fixed.classes, vec!["a", "b"]);
    let found = parse_labeled_csv::<f32>(bytes, "f", opts(Header::Auto), None).unwrap();
    assert_eq!(found.labels.to_vec(), vec![0, 1, 0]);
    assert_eq!(found.classes, vec!["b", "a"]);
}

#[test]
fn an_unknown_class_names_line_and_last_column() {
    let e = parse_labeled_csv::<f32>(
        b"1,2,a\n3,4,c\n",
        "f",
        opts(Header::Auto),
        Some(&["a", "b"]),
    )
    .unwrap_err();
    assert!(
        matches!(e, DataError::Field { line: 2, column: 3, ref found, .. } if found == "c"),
        "{e:?}"
    );
}

#[test]
fn a_labeled_row_without_features_is_ragged() {
    let e = parse_labeled_csv::<f32>(b"a\nb\n", "f", opts(Header::Absent), None).unwrap_err();
    assert!(
        matches!(
            e,
            DataError::RaggedRow {
                line: 1,
                expected: 2,
                found: 1,
                ..
            }
        ),
        "{e:?}"
    );
}

#[test]
fn read_csv_reads_plain_and_gzipped_files_and_names_the_path_in_errors() {
    let dir = scratch_dir("csv-files");
    let (plain, packed, bad) = (dir.join("a.csv"), dir.join("a.csv.gz"), dir.join("bad.csv"));
    std::fs::write(&plain, b"x,y\n1,2\n").unwrap();
    std::fs::write(&packed, gzip(b"x,y\n1,2\n")).unwrap();
    std::fs::write(&bad, b"1,2\n3\n").unwrap();
    let a = read_csv::<f32>(&plain, CsvOptions::default()).unwrap();
    let b = read_csv::<f32>(&packed, CsvOptions::default()).unwrap();
    assert_eq!(a.values, b.values);
    let e = read_csv::<f32>(&bad, CsvOptions::default()).unwrap_err();
    assert!(
        e.to_string().starts_with(&format!("{}:2:", bad.display())),
        "{e}"
    );
    let e = read_csv::<f32>(&dir.join("none.csv"), CsvOptions::default()).unwrap_err();
    assert!(matches!(e, DataError::Io { .. }), "{e:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}
