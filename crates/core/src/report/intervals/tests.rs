use super::*;

fn at(raw: &str) -> Timestamp {
    Timestamp::parse(raw).unwrap()
}

fn zone(name: &str) -> TimeZone {
    TimeZone::parse(name).unwrap()
}

fn plan(from: &str, to: &str, granularity: &str, tz: &str) -> Plan {
    let granularity = Granularity::parse(granularity).unwrap();
    Plan::new(at(from), at(to), granularity, zone(tz)).unwrap()
}

fn starts(plan: &Plan) -> Vec<String> {
    plan.intervals().map(|(s, _)| s.to_string()).collect()
}

#[test]
fn a_spring_forward_day_has_23_hours_and_a_fall_back_day_25() {
    let spring = plan(
        "2026-03-28T23:00:00Z",
        "2026-03-29T22:00:00Z",
        "PT1H",
        "Europe/Paris",
    );
    assert_eq!(spring.len(), 23);
    let fall = plan(
        "2026-10-24T22:00:00Z",
        "2026-10-25T23:00:00Z",
        "PT1H",
        "Europe/Paris",
    );
    assert_eq!(fall.len(), 25);
    let by_day = plan(
        "2026-10-24T22:00:00Z",
        "2026-10-25T23:00:00Z",
        "P1D",
        "Europe/Paris",
    );
    assert_eq!(
        by_day.intervals().collect::<Vec<_>>(),
        vec![(at("2026-10-24T22:00:00Z"), at("2026-10-25T23:00:00Z"))],
        "the fall-back day is 25 hours long"
    );
}

#[test]
fn intervals_start_on_the_local_wall_clock() {
    let kathmandu = plan(
        "2026-01-01T00:00:00Z",
        "2026-01-01T03:00:00Z",
        "PT1H",
        "Asia/Kathmandu",
    );
    assert_eq!(
        starts(&kathmandu),
        [
            "2025-12-31T23:15:00.000Z",
            "2026-01-01T00:15:00.000Z",
            "2026-01-01T01:15:00.000Z",
            "2026-01-01T02:15:00.000Z"
        ],
        "+05:45: local hours begin at a quarter past UTC hours, the first holding `from`"
    );
    let months = plan(
        "2026-01-15T00:00:00Z",
        "2026-04-01T00:00:00Z",
        "P1M",
        "America/New_York",
    );
    assert_eq!(
        starts(&months),
        [
            "2026-01-01T05:00:00.000Z",
            "2026-02-01T05:00:00.000Z",
            "2026-03-01T05:00:00.000Z"
        ],
        "the last holds the instant before `to` (still March in New York)"
    );
    let weeks = plan("2026-11-25T12:00:00Z", "2026-11-30T00:00:00Z", "P7D", "UTC");
    assert_eq!(
        starts(&weeks),
        ["2026-11-23T00:00:00.000Z"],
        "weeks begin on Monday"
    );
}

#[test]
fn blocks_cover_each_interval_coarsest_first() {
    let utc = plan("2026-11-01T00:00:00Z", "2026-11-04T00:00:00Z", "P1D", "UTC");
    let day = |from: &str, to: &str| Block {
        level: Level::Day,
        from_ms: at(from).millis(),
        to_ms: at(to).millis(),
    };
    assert_eq!(
        utc.blocks(TimeZone::UTC),
        [day("2026-11-01T00:00:00Z", "2026-11-04T00:00:00Z")]
    );
    let india = plan(
        "2026-11-01T00:00:00Z",
        "2026-11-02T00:00:00Z",
        "P1D",
        "Asia/Kolkata",
    );
    let levels: Vec<Level> = (india.blocks(TimeZone::UTC).iter())
        .map(|b| b.level)
        .collect();
    assert!(levels.contains(&Level::Quarter) && levels.contains(&Level::Hour));
    assert_eq!(
        india.blocks(zone("Asia/Kolkata")),
        [day("2026-10-31T18:30:00Z", "2026-11-02T18:30:00Z")],
        "day rows kept in the report's zone serve its days whole"
    );
    // Days kept in New York: a UTC day holds none of them, a New York month is made of them.
    let new_york = zone("America/New_York");
    let levels: Vec<Level> = (utc.blocks(new_york).iter()).map(|b| b.level).collect();
    assert!(!levels.contains(&Level::Day) && levels.contains(&Level::Hour));
    let month = plan(
        "2026-11-01T04:00:00Z",
        "2026-12-01T05:00:00Z",
        "P1M",
        "America/New_York",
    );
    let days: Vec<Block> = month.blocks(new_york);
    assert_eq!(
        days,
        [day("2026-11-01T04:00:00Z", "2026-12-01T05:00:00Z")],
        "the fall-back day is one day row"
    );
    for (plan, day_zone) in [
        (&utc, TimeZone::UTC),
        (&india, TimeZone::UTC),
        (&utc, new_york),
    ] {
        let blocks = plan.blocks(day_zone);
        let covered: i64 = blocks.iter().map(|b| b.to_ms - b.from_ms).sum();
        let (first, _) = plan.intervals().next().unwrap();
        let (_, last) = plan.intervals().last().unwrap();
        assert_eq!(covered, last.millis() - first.millis());
        for block in blocks {
            let bucket = block.level.bucket(block.from_ms, day_zone);
            assert_eq!(bucket.0, block.from_ms, "{block:?}");
            assert!(plan.interval_of(block.from_ms).is_some());
            assert!(plan.interval_of(block.to_ms - BUCKET_MS).is_some());
        }
    }
}

#[test]
fn local_days_are_found_on_dst_days_and_odd_offsets() {
    let ms = |raw: &str| at(raw).millis();
    let cases = [
        (
            "America/New_York",
            "2026-11-01T12:00:00Z",
            "2026-11-01T04:00:00Z",
            "2026-11-02T05:00:00Z",
        ),
        (
            "America/New_York",
            "2026-03-08T03:59:00Z",
            "2026-03-07T05:00:00Z",
            "2026-03-08T05:00:00Z",
        ),
        (
            "America/New_York",
            "2026-03-08T05:00:00Z",
            "2026-03-08T05:00:00Z",
            "2026-03-09T04:00:00Z",
        ),
        (
            "Asia/Kathmandu",
            "2026-11-01T00:00:00Z",
            "2026-10-31T18:15:00Z",
            "2026-11-01T18:15:00Z",
        ),
        // Midnight does not exist on Havana's spring-forward day: the day begins at 01:00.
        (
            "America/Havana",
            "2026-03-08T12:00:00Z",
            "2026-03-08T05:00:00Z",
            "2026-03-09T04:00:00Z",
        ),
    ];
    for (name, instant, start, end) in cases {
        let got = Level::Day.bucket(ms(instant), zone(name));
        assert_eq!(got, (ms(start), ms(end)), "{name} at {instant}");
    }
}

#[test]
fn bad_ranges_and_intervals_are_refused() {
    let g = Granularity::Minutes15;
    let utc = TimeZone::UTC;
    let (a, b) = (at("2026-01-01T00:00:00Z"), at("2027-06-01T00:00:00Z"));
    assert_eq!(Plan::new(b, a, g, utc), Err(PlanError::Empty));
    assert_eq!(Plan::new(a, b, g, utc), Err(PlanError::TooLong));
    let year = at("2026-12-31T00:00:00Z");
    assert_eq!(Plan::new(a, year, g, utc), Err(PlanError::TooMany));
    assert!(Granularity::parse("PT5M").unwrap_err().contains("PT15M"));
    assert_eq!(Granularity::parse("p1w"), Ok(Granularity::Week));
}
