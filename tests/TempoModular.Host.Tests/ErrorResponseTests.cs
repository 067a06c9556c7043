using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using TempoModular.Testing;

namespace TempoModular.Host.Tests;

/// <summary>Every non-OAuth error is an RFC 9457 problem with a trace id; stack traces stay in the log.</summary>
public sealed class ErrorResponseTests : IAsyncLifetime
{
    private TestHost<Program> _host = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _host = await TestHost<Program>.StartAsync(services: s => s.AddSingleton<IStartupFilter, FailingEndpoint>());
        _client = _host.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task An_unexpected_failure_is_a_500_problem_with_a_trace_id_and_no_stack_trace()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, FailingEndpoint.Path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        var problem = await Edge.JsonAsync(response);
        Assert.Equal(500, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("traceId").GetString()));
        Assert.DoesNotContain(FailingEndpoint.Secret, body);
        Assert.DoesNotContain(nameof(FailingEndpoint), body);
        Assert.Null(response.Headers.RetryAfter);
    }

    [Fact]
    public async Task The_trace_id_of_a_500_is_in_the_logged_error()
    {
        var logs = new RecordedLogs(Microsoft.Extensions.Logging.LogLevel.Error);
        await using var host = await TestHost<Program>.StartAsync(services: s => s
            .AddSingleton<IStartupFilter, FailingEndpoint>()
            .AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(logs));
        using var client = host.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, FailingEndpoint.Path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        using var response = await client.SendAsync(request);

        var traceId = (await Edge.JsonAsync(response)).GetProperty("traceId").GetString()!;
        Assert.Contains(logs.Entries, entry => entry.Contains(traceId, StringComparison.Ordinal) && entry.Contains(FailingEndpoint.Path, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_browser_gets_an_error_page_with_the_trace_id()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, FailingEndpoint.Path);
        request.Headers.Accept.ParseAdd("text/html,application/xhtml+xml,*/*;q=0.8");

        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("Trace id", body);
        Assert.DoesNotContain(FailingEndpoint.Secret, body);
        Assert.Contains("default-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single());
    }

    [Fact]
    public async Task An_unknown_address_is_a_404_problem_not_an_empty_body()
    {
        using var response = await _client.GetAsync("/api/admin/no-such-thing");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(404, (await Edge.JsonAsync(response)).GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task A_binding_error_of_the_admin_api_is_a_400_problem()
    {
        var app = await Edge.RegisterMachineClientAsync(_host.Grains);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/admin/applications/{app.ClientId}/tokens?page=first");
        request.Headers.Authorization = Edge.AdminBasic();

        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await Edge.JsonAsync(response);
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.True(problem.TryGetProperty("traceId", out _));
    }

    [Fact]
    public async Task Oauth_errors_keep_their_oauth_body()
    {
        var app = await Edge.RegisterMachineClientAsync(_host.Grains);

        using var response = await Edge.TokenAsync(_client, app, secret: "wrong");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid_client", (await Edge.JsonAsync(response)).GetProperty("error").GetString());
    }

    /// <summary>An address that throws behind every middleware of the host, as a bug in an endpoint would.</summary>
    private sealed class FailingEndpoint : IStartupFilter
    {
        public const string Path = "/test/fails";
        public const string Secret = "connection-string-password-in-a-message";

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            app.Use((HttpContext context, RequestDelegate rest) => context.Request.Path == Path
                ? throw new InvalidOperationException(Secret)
                : rest(context));
        };
    }
}
