using System.Globalization;
using NodaTime;
using Vigil.Fhir.Resources;
using Vigil.Fhir.Timing;

namespace Vigil.Fhir.Tests.Timing;

/// <summary>One test (or more) per element of FHIR R4 Timing (datatypes.html#Timing), in the patient's zone.</summary>
public sealed class TimingExpanderTests
{
    private static readonly TimingExpander Expander = new();

    private static List<string> Expand(string timingJson, string zone, string from, int days, string? seriesStart = null)
    {
        var tz = DateTimeZoneProviders.Tzdb[zone];
        var start = LocalDate.FromDateTime(DateTime.Parse(from, CultureInfo.InvariantCulture)).AtStartOfDayInZone(tz);
        var end = start.LocalDateTime.Date.PlusDays(days).AtStartOfDayInZone(tz);
        var series = seriesStart is null ? start.ToDateTimeOffset() : DateTimeOffset.Parse(seriesStart, CultureInfo.InvariantCulture);
        var timing = FhirJson.ParseElement<Hl7.Fhir.Model.Timing>(timingJson);
        return [.. Expander.Expand(timing, tz, series, start.ToDateTimeOffset(), end.ToDateTimeOffset())
            .Select(o => o.Local.ToString("yyyy-MM-dd'T'HH:mmzzz", CultureInfo.InvariantCulture))];
    }

    private static string Refusal(string timingJson) =>
        Assert.Throws<TimingNotSupportedException>(() => Expand(timingJson, "Europe/Berlin", "2026-03-28", 3)).Message;

    [Fact]
    public void Daily_dose_keeps_its_wall_clock_time_across_the_spring_forward_change()
    {
        var times = Expand("""{"repeat":{"frequency":1,"period":1,"periodUnit":"d","timeOfDay":["09:00:00"]}}""", "Europe/Berlin", "2026-03-28", 3);
        Assert.Equal(["2026-03-28T09:00+01:00", "2026-03-29T09:00+02:00", "2026-03-30T09:00+02:00"], times);
    }

    [Fact]
    public void Daily_dose_keeps_its_wall_clock_time_across_the_fall_back_change()
    {
        var times = Expand("""{"repeat":{"frequency":1,"period":1,"periodUnit":"d","timeOfDay":["08:00:00"]}}""", "America/New_York", "2026-10-31", 3);
        Assert.Equal(["2026-10-31T08:00-04:00", "2026-11-01T08:00-05:00", "2026-11-02T08:00-05:00"], times);
    }

    [Fact]
    public void Time_in_the_spring_forward_gap_moves_forward_by_the_gap()
    {
        var times = Expand("""{"repeat":{"timeOfDay":["02:30:00"]}}""", "Europe/Berlin", "2026-03-28", 3);
        Assert.Equal(["2026-03-28T02:30+01:00", "2026-03-29T03:30+02:00", "2026-03-30T02:30+02:00"], times);
    }

    [Fact]
    public void Time_repeated_by_the_fall_back_change_is_reminded_once_at_its_first_occurrence()
    {
        var times = Expand("""{"repeat":{"timeOfDay":["02:30:00"]}}""", "Europe/Berlin", "2026-10-24", 3);
        Assert.Equal(["2026-10-24T02:30+02:00", "2026-10-25T02:30+02:00", "2026-10-26T02:30+01:00"], times);
    }

    [Fact]
    public void Elapsed_interval_follows_elapsed_time_not_the_wall_clock_across_daylight_saving()
    {
        var times = Expand("""{"repeat":{"frequency":1,"period":8,"periodUnit":"h"}}""", "Europe/Berlin", "2026-03-29", 1, "2026-03-29T00:00:00+01:00");
        // 00:00 CET, then 8 and 16 hours later: 09:00 and 17:00 CEST (the night lost an hour).
        Assert.Equal(["2026-03-29T00:00+01:00", "2026-03-29T09:00+02:00", "2026-03-29T17:00+02:00"], times);
    }

    [Fact]
    public void Frequency_per_day_without_times_uses_the_default_slots()
    {
        Assert.Equal(["2026-03-28T08:00+01:00", "2026-03-28T20:00+01:00"],
            Expand("""{"repeat":{"frequency":2,"period":1,"periodUnit":"d"}}""", "Europe/Berlin", "2026-03-28", 1));
        Assert.Equal(["2026-03-28T08:00+01:00", "2026-03-28T12:00+01:00", "2026-03-28T16:00+01:00", "2026-03-28T20:00+01:00"],
            Expand("""{"repeat":{"frequency":4,"period":1,"periodUnit":"d"}}""", "Europe/Berlin", "2026-03-28", 1));
    }

    [Fact]
    public void Frequency_max_and_period_max_take_the_end_of_the_range_with_fewer_reminders()
    {
        Assert.Equal(["2026-03-28T08:00+01:00", "2026-03-28T20:00+01:00"],
            Expand("""{"repeat":{"frequency":2,"frequencyMax":3,"period":1,"periodUnit":"d"}}""", "Europe/Berlin", "2026-03-28", 1));
        var every4to6 = Expand("""{"repeat":{"frequency":1,"period":4,"periodMax":6,"periodUnit":"h"}}""", "UTC", "2026-03-28", 1, "2026-03-28T00:00:00Z");
        Assert.Equal(["2026-03-28T00:00+00:00", "2026-03-28T06:00+00:00", "2026-03-28T12:00+00:00", "2026-03-28T18:00+00:00"], every4to6);
    }

    [Fact]
    public void Period_of_several_days_counts_from_the_series_start()
    {
        var times = Expand("""{"repeat":{"frequency":1,"period":2,"periodUnit":"d"}}""", "UTC", "2026-03-01", 6, "2026-03-01T00:00:00Z");
        Assert.Equal(["2026-03-01T08:00+00:00", "2026-03-03T08:00+00:00", "2026-03-05T08:00+00:00"], times);
    }

    [Fact]
    public void When_codes_map_to_the_configured_clock_times()
    {
        Assert.Equal(["2026-03-28T08:00+01:00"], Expand("""{"repeat":{"frequency":1,"period":1,"periodUnit":"d","when":["MORN"]}}""", "Europe/Berlin", "2026-03-28", 1));
        Assert.Equal(["2026-03-28T22:00+01:00"], Expand("""{"repeat":{"when":["HS"]}}""", "Europe/Berlin", "2026-03-28", 1));
        Assert.Equal(["2026-03-28T07:00+01:00"], Expand("""{"repeat":{"when":["WAKE"]}}""", "Europe/Berlin", "2026-03-28", 1));
        Assert.Equal(["2026-03-28T14:00+01:00", "2026-03-28T18:00+01:00", "2026-03-28T21:00+01:00"],
            Expand("""{"repeat":{"when":["AFT","EVE","NIGHT"]}}""", "Europe/Berlin", "2026-03-28", 1));
    }

    [Fact]
    public void Meal_codes_use_meal_times_and_before_or_after_offsets()
    {
        // medrx0321: once a day, 10 minutes before breakfast.
        Assert.Equal(["2026-03-28T07:50+01:00"], Expand("""{"repeat":{"frequency":1,"period":1,"periodUnit":"d","when":["ACM"],"offset":10}}""", "Europe/Berlin", "2026-03-28", 1));
        Assert.Equal(["2026-03-28T19:00+01:00"], Expand("""{"repeat":{"when":["PCV"]}}""", "Europe/Berlin", "2026-03-28", 1));
        Assert.Equal(["2026-03-28T12:30+01:00"], Expand("""{"repeat":{"when":["CD"]}}""", "Europe/Berlin", "2026-03-28", 1));
        Assert.Equal(["2026-03-28T08:15+01:00"], Expand("""{"repeat":{"when":["MORN"],"offset":15}}""", "Europe/Berlin", "2026-03-28", 1));
    }

    [Fact]
    public void Generic_meal_code_expands_to_as_many_meals_as_doses_a_day()
    {
        Assert.Equal(["2026-03-28T07:30+01:00", "2026-03-28T12:00+01:00", "2026-03-28T18:00+01:00"],
            Expand("""{"repeat":{"frequency":3,"period":1,"periodUnit":"d","when":["AC"]}}""", "Europe/Berlin", "2026-03-28", 1));
        Assert.Equal(["2026-03-28T08:30+01:00", "2026-03-28T19:00+01:00"],
            Expand("""{"repeat":{"frequency":2,"period":1,"periodUnit":"d","when":["PC"]}}""", "Europe/Berlin", "2026-03-28", 1));
        Assert.Contains("which meal", Refusal("""{"repeat":{"frequency":1,"period":1,"periodUnit":"d","when":["C"]}}"""), StringComparison.Ordinal);
    }

    [Fact]
    public void Day_of_week_limits_doses_to_the_named_days()
    {
        // medrx0334: four times a day on Mondays.
        var times = Expand("""{"repeat":{"frequency":4,"period":1,"periodUnit":"d","dayOfWeek":["mon"]}}""", "Europe/Berlin", "2026-03-28", 7);
        Assert.Equal(["2026-03-30T08:00+02:00", "2026-03-30T12:00+02:00", "2026-03-30T16:00+02:00", "2026-03-30T20:00+02:00"], times);
    }

    [Fact]
    public void Weekly_frequency_uses_named_days_or_spreads_evenly_from_the_start()
    {
        Assert.Equal(["2026-03-30T09:00+02:00", "2026-04-01T09:00+02:00", "2026-04-03T09:00+02:00"],
            Expand("""{"repeat":{"frequency":3,"period":1,"periodUnit":"wk","dayOfWeek":["mon","wed","fri"],"timeOfDay":["09:00:00"]}}""", "Europe/Berlin", "2026-03-30", 7));
        // Three times a week from a Monday start: Monday, Wednesday, Friday (days 0, 2, 4).
        Assert.Equal(["2026-03-30T08:00+02:00", "2026-04-01T08:00+02:00", "2026-04-03T08:00+02:00", "2026-04-06T08:00+02:00"],
            Expand("""{"repeat":{"frequency":3,"period":1,"periodUnit":"wk"}}""", "Europe/Berlin", "2026-03-30", 8));
        // medrx0316: once every three weeks.
        Assert.Equal(["2026-03-30T08:00+02:00", "2026-04-20T08:00+02:00"],
            Expand("""{"repeat":{"frequency":1,"period":3,"periodUnit":"wk"}}""", "Europe/Berlin", "2026-03-30", 28));
    }

    [Fact]
    public void Monthly_dose_falls_on_the_start_day_clamped_to_short_months()
    {
        var times = Expand("""{"repeat":{"frequency":1,"period":1,"periodUnit":"mo"}}""", "UTC", "2026-01-31", 60, "2026-01-31T00:00:00Z");
        Assert.Equal(["2026-01-31T08:00+00:00", "2026-02-28T08:00+00:00", "2026-03-31T08:00+00:00"], times);
    }

    [Fact]
    public void Bounds_period_limits_the_series_inclusive_of_a_date_only_end()
    {
        // medrx0339: daily from 2015-01-16 to 2015-01-18.
        var times = Expand("""{"repeat":{"boundsPeriod":{"start":"2015-01-16","end":"2015-01-18"},"frequency":1,"period":1,"periodUnit":"d"}}""", "Europe/Berlin", "2015-01-14", 10);
        Assert.Equal(["2015-01-16T08:00+01:00", "2015-01-17T08:00+01:00", "2015-01-18T08:00+01:00"], times);
    }

    [Fact]
    public void Bounds_duration_runs_from_the_series_start()
    {
        var times = Expand("""{"repeat":{"boundsDuration":{"value":3,"unit":"days","system":"http://unitsofmeasure.org","code":"d"},"frequency":1,"period":1,"periodUnit":"d"}}""",
            "Europe/Berlin", "2026-03-28", 10, "2026-03-28T00:00:00+01:00");
        Assert.Equal(["2026-03-28T08:00+01:00", "2026-03-29T08:00+02:00", "2026-03-30T08:00+02:00"], times);
    }

    [Fact]
    public void Count_stops_the_series_counting_from_its_start_not_from_the_window()
    {
        var timing = """{"repeat":{"count":5,"frequency":2,"period":1,"periodUnit":"d"}}""";
        // Five doses from 1 March: two on the 1st (before the window), then three.
        Assert.Equal(["2026-03-02T08:00+00:00", "2026-03-02T20:00+00:00", "2026-03-03T08:00+00:00"],
            Expand(timing, "UTC", "2026-03-02", 10, "2026-03-01T00:00:00Z"));
        // countMax widens what the patient may take; reminders stop at the committed count.
        Assert.Equal(5, Expand("""{"repeat":{"count":5,"countMax":8,"frequency":2,"period":1,"periodUnit":"d"}}""", "UTC", "2026-03-01", 10, "2026-03-01T00:00:00Z").Count);
    }

    [Fact]
    public void Single_count_without_a_period_is_one_dose_at_the_start()
    {
        // medrx0332.
        Assert.Equal(["2026-03-28T10:15+01:00"], Expand("""{"repeat":{"count":1}}""", "Europe/Berlin", "2026-03-28", 3, "2026-03-28T10:15:00+01:00"));
    }

    [Fact]
    public void Events_are_the_exact_times_given()
    {
        Assert.Equal(["2026-03-28T10:00+01:00", "2026-03-29T10:00+02:00"],
            Expand("""{"event":["2026-03-29T08:00:00Z","2026-03-28T09:00:00Z"]}""", "Europe/Berlin", "2026-03-28", 3));
    }

    [Fact]
    public void Event_with_a_repeat_anchors_the_series()
    {
        // medrx0323: from 22:00 (+11:00) every 24 hours.
        var times = Expand("""{"event":["2015-01-15T22:00:00+11:00"],"repeat":{"frequency":1,"period":24,"periodUnit":"h"}}""", "Australia/Sydney", "2015-01-15", 3);
        Assert.Equal(["2015-01-15T22:00+11:00", "2015-01-16T22:00+11:00", "2015-01-17T22:00+11:00"], times);
    }

    [Theory]
    [InlineData("BID", new[] { "08:00", "20:00" })]
    [InlineData("TID", new[] { "08:00", "14:00", "20:00" })]
    [InlineData("QID", new[] { "08:00", "12:00", "16:00", "20:00" })]
    [InlineData("QD", new[] { "08:00" })]
    [InlineData("AM", new[] { "08:00" })]
    [InlineData("PM", new[] { "14:00" })]
    [InlineData("Q6H", new[] { "00:00", "06:00", "12:00", "18:00" })]
    [InlineData("Q8H", new[] { "00:00", "08:00", "16:00" })]
    [InlineData("Q4H", new[] { "00:00", "04:00", "08:00", "12:00", "16:00", "20:00" })]
    public void Timing_code_expands_like_the_repeat_it_abbreviates(string code, string[] times)
    {
        var json = $$$"""{"code":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-GTSAbbreviation","code":"{{{code}}}"}]}}""";
        var expanded = Expand(json, "UTC", "2026-03-28", 1, "2026-03-28T00:00:00Z");
        Assert.Equal(times.Select(t => $"2026-03-28T{t}+00:00"), expanded);
    }

    [Fact]
    public void Every_other_day_week_and_month_codes_expand()
    {
        Assert.Equal(["2026-03-01T08:00+00:00", "2026-03-03T08:00+00:00"],
            Expand("""{"code":{"coding":[{"code":"QOD"}]}}""", "UTC", "2026-03-01", 4, "2026-03-01T00:00:00Z"));
        Assert.Equal(["2026-03-01T08:00+00:00", "2026-03-08T08:00+00:00"],
            Expand("""{"code":{"coding":[{"code":"WK"}]}}""", "UTC", "2026-03-01", 14, "2026-03-01T00:00:00Z"));
        Assert.Equal(["2026-03-01T08:00+00:00", "2026-04-01T08:00+00:00"],
            Expand("""{"code":{"coding":[{"code":"MO"}]}}""", "UTC", "2026-03-01", 40, "2026-03-01T00:00:00Z"));
    }

    [Theory]
    [InlineData("""{"repeat":{"duration":33.33,"durationUnit":"h"}}""", "only a duration")]
    [InlineData("""{"repeat":{"frequency":2}}""", "frequency without period")]
    [InlineData("""{"repeat":{"frequency":1,"period":1,"periodUnit":"d","timeOfDay":["08:00:00"],"when":["MORN"]}}""", "tim-10")]
    [InlineData("""{"repeat":{"frequency":3,"period":1,"periodUnit":"d","timeOfDay":["08:00:00"]}}""", "frequency 3 a day")]
    [InlineData("""{"repeat":{"frequency":1,"period":6,"periodUnit":"h","timeOfDay":["08:00:00"]}}""", "shorter than a day")]
    [InlineData("""{"repeat":{"frequency":2,"period":3,"periodUnit":"d"}}""", "names no day")]
    [InlineData("""{"repeat":{"frequency":2,"period":1,"periodUnit":"mo"}}""", "per month")]
    [InlineData("""{"repeat":{"frequency":1,"period":1.5,"periodUnit":"d"}}""", "whole number")]
    [InlineData("""{"repeat":{"boundsRange":{"low":{"value":1}},"frequency":1,"period":1,"periodUnit":"d"}}""", "boundsRange")]
    [InlineData("""{"code":{"coding":[{"code":"XYZ"}]}}""", "not a known timing abbreviation")]
    [InlineData("""{"repeat":{"offset":10,"frequency":1,"period":1,"periodUnit":"d"}}""", "offset")]
    [InlineData("""{"id":"empty"}""", "no event, repeat or code")]
    [InlineData("""{"repeat":{"frequency":1,"period":1,"periodUnit":"wk","dayOfWeek":["mon","fri"]}}""", "weekdays")]
    public void Timing_that_cannot_be_honoured_is_refused_with_the_reason(string json, string reason) =>
        Assert.Contains(reason, Refusal(json), StringComparison.Ordinal);

    [Fact]
    public void Window_far_from_the_start_jumps_there_without_walking_the_years_between()
    {
        var times = Expand("""{"repeat":{"frequency":1,"period":15,"periodUnit":"min"}}""", "UTC", "2036-01-01", 1, "2016-01-01T00:00:00Z");
        Assert.Equal(96, times.Count);
        Assert.Equal("2036-01-01T00:00+00:00", times[0]);
    }

    [Fact]
    public void Doses_before_a_start_time_on_the_first_day_are_not_reminded()
    {
        var times = Expand("""{"repeat":{"frequency":2,"period":1,"periodUnit":"d"}}""", "UTC", "2026-03-01", 2, "2026-03-01T12:00:00Z");
        Assert.Equal(["2026-03-01T20:00+00:00", "2026-03-02T08:00+00:00", "2026-03-02T20:00+00:00"], times);
    }
}
