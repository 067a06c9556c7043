using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using TempoModular.Storage;
using TempoModular.Testing;

namespace TempoModular.Worklogs.Tests;

/// <summary>
/// Bad bodies of POST /4/worklogs: 400 naming the field, never a 500, and
/// nothing written (no listing row, no grain state, no id used). Nothing in this
/// class creates a worklog, so the database must stay empty.
/// </summary>
public sealed class WorklogValidationTests : HostedTest<Program>
{
    private string _token = null!;

    protected override async Task StartedAsync()
    {
        var (app, _) = await Integrator.RegisterMachineClientAsync(Host.Grains);
        _token = await Integrator.AccessTokenAsync(Client, app);
    }

    [Theory]
    [InlineData("""{ "timeSpentSeconds": 3600, "startDate": "2026-11-30" }""")]
    [InlineData("""{ "issueKey": null, "timeSpentSeconds": 3600, "startDate": "2026-11-30" }""")]
    [InlineData("""{ "issueKey": "", "timeSpentSeconds": 3600, "startDate": "2026-11-30" }""")]
    [InlineData("""{ "issueKey": "   ", "timeSpentSeconds": 3600, "startDate": "2026-11-30" }""")]
    [InlineData("""{ "issueKey": "abc-123", "timeSpentSeconds": 3600, "startDate": "2026-11-30" }""")]
    [InlineData("""{ "issueKey": "ABC123", "timeSpentSeconds": 3600, "startDate": "2026-11-30" }""")]
    [InlineData("""{ "issueKey": "A-1", "timeSpentSeconds": 3600, "startDate": "2026-11-30" }""")]
    [InlineData("""{ "issueKey": "ABC-0", "timeSpentSeconds": 3600, "startDate": "2026-11-30" }""")]
    [InlineData("""{ "issueKey": "ABC-01", "timeSpentSeconds": 3600, "startDate": "2026-11-30" }""")]
    [InlineData("""{ "issueKey": "1BC-1", "timeSpentSeconds": 3600, "startDate": "2026-11-30" }""")]
    [InlineData("""{ "issueKey": "ABC-1\nDEF-2", "timeSpentSeconds": 3600, "startDate": "2026-11-30" }""")]
    [InlineData("""{ "issueKey": 123, "timeSpentSeconds": 3600, "startDate": "2026-11-30" }""")]
    [InlineData("""{ "issueKey": ["ABC-1"], "timeSpentSeconds": 3600, "startDate": "2026-11-30" }""")]
    public async Task A_missing_blank_or_malformed_issue_key_is_refused(string body) =>
        await AssertRefusedAsync(body, "issueKey");

    [Fact]
    public async Task An_issue_key_longer_than_255_characters_is_refused() =>
        await AssertRefusedAsync($$"""{ "issueKey": "ABC-{{new string('9', 300)}}", "timeSpentSeconds": 3600, "startDate": "2026-11-30" }""", "issueKey");

    [Theory]
    [InlineData("""{ "issueKey": "ABC-1", "startDate": "2026-11-30" }""")]
    [InlineData("""{ "issueKey": "ABC-1", "timeSpentSeconds": null, "startDate": "2026-11-30" }""")]
    [InlineData("""{ "issueKey": "ABC-1", "timeSpentSeconds": 0, "startDate": "2026-11-30" }""")]
    [InlineData("""{ "issueKey": "ABC-1", "timeSpentSeconds": -60, "startDate": "2026-11-30" }""")]
    [InlineData("""{ "issueKey": "ABC-1", "timeSpentSeconds": 86401, "startDate": "2026-11-30" }""")]
    [InlineData("""{ "issueKey": "ABC-1", "timeSpentSeconds": 99999999999999999999, "startDate": "2026-11-30" }""")]
    [InlineData("""{ "issueKey": "ABC-1", "timeSpentSeconds": 1.5, "startDate": "2026-11-30" }""")]
    [InlineData("""{ "issueKey": "ABC-1", "timeSpentSeconds": 3.6e3, "startDate": "2026-11-30" }""")]
    [InlineData("""{ "issueKey": "ABC-1", "timeSpentSeconds": "3600", "startDate": "2026-11-30" }""")]
    [InlineData("""{ "issueKey": "ABC-1", "timeSpentSeconds": true, "startDate": "2026-11-30" }""")]
    public async Task Time_spent_that_is_missing_or_not_1_to_86400_seconds_is_refused(string body) =>
        await AssertRefusedAsync(body, "timeSpentSeconds");

    [Theory]
    [InlineData("""{ "issueKey": "ABC-1", "timeSpentSeconds": 3600 }""")]
    [InlineData("""{ "issueKey": "ABC-1", "timeSpentSeconds": 3600, "startDate": null }""")]
    [InlineData("""{ "issueKey": "ABC-1", "timeSpentSeconds": 3600, "startDate": "" }""")]
    [InlineData("""{ "issueKey": "ABC-1", "timeSpentSeconds": 3600, "startDate": "2026-13-01" }""")]
    [InlineData("""{ "issueKey": "ABC-1", "timeSpentSeconds": 3600, "startDate": "2026-02-30" }""")]
    [InlineData("""{ "issueKey": "ABC-1", "timeSpentSeconds": 3600, "startDate": "30.11.2026" }""")]
    [InlineData("""{ "issueKey": "ABC-1", "timeSpentSeconds": 3600, "startDate": "2026-11-30T09:00:00" }""")]
    [InlineData("""{ "issueKey": "ABC-1", "timeSpentSeconds": 3600, "startDate": " 2026-11-30" }""")]
    [InlineData("""{ "issueKey": "ABC-1", "timeSpentSeconds": 3600, "startDate": 20261130 }""")]
    public async Task A_missing_or_invalid_start_date_is_refused(string body) =>
        await AssertRefusedAsync(body, "startDate");

    [Theory]
    [InlineData("\"9:00\"")]
    [InlineData("\"09:00\"")]
    [InlineData("\"24:00:00\"")]
    [InlineData("\"09:60:00\"")]
    [InlineData("\"09:00:00.5\"")]
    [InlineData("\"9am\"")]
    [InlineData("\"\"")]
    [InlineData("900")]
    public async Task An_invalid_start_time_is_refused(string startTime) =>
        await AssertRefusedAsync($$"""{ "issueKey": "ABC-1", "timeSpentSeconds": 3600, "startDate": "2026-11-30", "startTime": {{startTime}} }""", "startTime");

    [Theory]
    [InlineData(4001)]
    [InlineData(20000)]
    public async Task A_description_over_4000_characters_is_refused(int length) =>
        await AssertRefusedAsync($$"""{ "issueKey": "ABC-1", "timeSpentSeconds": 3600, "startDate": "2026-11-30", "description": "{{new string('x', length)}}" }""", "description");

    [Fact]
    public async Task A_description_that_is_not_a_string_is_refused() =>
        await AssertRefusedAsync("""{ "issueKey": "ABC-1", "timeSpentSeconds": 3600, "startDate": "2026-11-30", "description": { "text": "x" } }""", "description");

    [Fact]
    public async Task Every_refused_field_is_named_at_once()
    {
        var response = await Integrator.PostAsync(Client, _token, """{ "issueKey": "nope", "timeSpentSeconds": 0, "startDate": "tomorrow", "startTime": "noon" }""");

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal(["issueKey", "timeSpentSeconds", "startDate", "startTime"], response.ErrorFields);
        Assert.All(response.Json!.Value.GetProperty("errors").EnumerateArray(), e => Assert.False(string.IsNullOrWhiteSpace(e.GetProperty("message").GetString())));
        await AssertNothingStoredAsync();
    }

    [Theory]
    [InlineData("{ not json")]
    [InlineData("""{ "issueKey": "ABC-1", """)]
    [InlineData("""{ "issueKey": "ABC-1" } trailing""")]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("\"ABC-1\"")]
    [InlineData("null")]
    [InlineData("[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]")]
    public async Task A_body_that_is_not_a_json_object_is_refused(string body) =>
        await AssertRefusedAsync(body, "body");

    [Fact]
    public async Task A_body_that_is_not_utf8_is_refused()
    {
        var bytes = Encoding.UTF8.GetBytes("""{ "issueKey": "ABC-1", "timeSpentSeconds": 3600, "startDate": "2026-11-30", "description": "caf""")
            .Concat(new byte[] { 0xC3, 0x28 })
            .Concat(Encoding.UTF8.GetBytes("\" }"))
            .ToArray();

        var response = await Integrator.SendAsync(Client, HttpMethod.Post, "/4/worklogs", _token,
            new ByteArrayContent(bytes) { Headers = { ContentType = new("application/json") } });

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Single(response.ErrorFields);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task A_body_over_64_KiB_is_refused_with_413()
    {
        var body = $$"""{ "issueKey": "ABC-1", "timeSpentSeconds": 3600, "startDate": "2026-11-30", "padding": "{{new string('x', 70_000)}}" }""";

        var response = await Integrator.PostAsync(Client, _token, body);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.Status);
        Assert.Equal(["body"], response.ErrorFields);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task A_chunked_body_over_64_KiB_is_refused_with_413()
    {
        var body = $$"""{ "issueKey": "ABC-1", "timeSpentSeconds": 3600, "startDate": "2026-11-30", "padding": "{{new string('x', 70_000)}}" }""";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/4/worklogs")
        {
            Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(body))) { Headers = { ContentType = new("application/json") } },
        };
        request.Headers.Authorization = new("Bearer", _token);
        request.Headers.TransferEncodingChunked = true;

        using var sent = await Client.SendAsync(request);
        var response = await ApiResponse.ReadAsync(sent);

        Assert.True(response.Status == HttpStatusCode.RequestEntityTooLarge, response.ToString());
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task A_body_that_is_not_json_by_content_type_is_refused_with_415()
    {
        var response = await Integrator.PostAsync(Client, _token, Integrator.ValidBody, "text/plain");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.Status);
        Assert.Equal(["Content-Type"], response.ErrorFields);
        await AssertNothingStoredAsync();
    }

    private async Task AssertRefusedAsync(string body, string field)
    {
        var response = await Integrator.PostAsync(Client, _token, body);

        Assert.True(response.Status == HttpStatusCode.BadRequest, response.ToString());
        Assert.Equal("application/json", response.ContentType);
        Assert.Equal([field], response.ErrorFields);
        await AssertNothingStoredAsync();
    }

    /// <summary>No listing row, no grain state, and no id taken from the sequence.</summary>
    private async Task AssertNothingStoredAsync()
    {
        var listed = await Integrator.GetAsync(Client, "/4/worklogs", _token);
        Assert.Equal(0, listed.Json!.Value.GetProperty("metadata").GetProperty("count").GetInt32());

        var database = Host.Services.GetRequiredService<TempoDatabase>();
        await using var connection = await database.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT (SELECT COUNT(*) FROM worklogs)
                 + (SELECT COUNT(*) FROM OrleansStorage WHERE GrainTypeString LIKE '%worklog%')
                 + (SELECT last_id FROM worklog_ids)
            """;
        Assert.Equal(0L, Convert.ToInt64(await command.ExecuteScalarAsync()));
    }
}
