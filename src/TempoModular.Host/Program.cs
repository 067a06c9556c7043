using TempoModular.Administration;
using TempoModular.Applications;
using TempoModular.Authorization;
using TempoModular.Host;
using TempoModular.Identity;
using TempoModular.Storage;
using TempoModular.Worklogs;

var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = args,
    // appsettings.json sits at the repository root and is copied next to the
    // build output; reading it from there works from any working directory.
    ContentRootPath = AppContext.BaseDirectory,
});

builder.Services.AddTempoStorage(builder.Configuration);
builder.Services.AddApplicationsModule(builder.Configuration);
builder.Services.AddIdentityModule(builder.Configuration);
builder.Services.AddAuthorizationModule(builder.Configuration);
builder.Services.AddWorklogsModule(builder.Configuration);
builder.Services.AddAdministrationModule(builder.Configuration);

builder.UseOrleans(silo => silo.AddTempoSilo(builder.Configuration));
builder.Services.AddTempoHealthChecks();
builder.Services.AddTrustedProxies(builder.Configuration);
builder.Services.AddTempoErrorResponses();
builder.Services.AddOAuthRateLimits(builder.Configuration);
builder.AddTempoSite();
builder.AddTempoMetrics();

var app = builder.Build();

app.UseForwardedHeaders();
app.UseSecurityHeaders();
app.UseTempoErrorResponses();
app.UseRequireHttps();
app.UseOAuthRequestLimits();
app.UseOAuthRateLimits();
app.UseRouting();
app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();

app.MapStaticAssets();
app.MapRazorPages();
app.MapTempoHealthChecks();
app.MapWorklogsModule();
app.MapAdministrationModule();

app.Run();

/// <summary>Visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
