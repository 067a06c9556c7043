namespace TempoModular.Host;

/// <summary>The site shell: Razor Pages of every module inside the one layout, static assets, antiforgery for htmx.</summary>
internal static class Site
{
    /// <summary>The header htmx sends the antiforgery request token in (see hx-headers in _Layout).</summary>
    public const string AntiforgeryHeader = "X-CSRF-TOKEN";

    /// <summary>The framework's setting (read by MapStaticAssets) that re-checks wwwroot on the disk while the site runs.</summary>
    public const string ReloadStaticAssetsAtRuntime = "ReloadStaticAssetsAtRuntime";

    public static WebApplicationBuilder AddTempoSite(this WebApplicationBuilder builder)
    {
        // The build output serves wwwroot (and htmx copied there from npm) through
        // the static web assets manifest. The framework reads it in Development
        // only; scripts/run.sh runs a Release build in Production, so read it in
        // every environment. A published app has no such manifest and serves its
        // own wwwroot folder.
        if (!builder.Environment.IsDevelopment())
        {
            builder.WebHost.UseStaticWebAssets();
        }

        // Given a build manifest, MapStaticAssets assumes a developer is editing
        // wwwroot: it adds a catch-all route for files added since the build, whose
        // file-exists constraint stats the disk on every GET the routes match (the
        // REST API's included: 4 % of a GET /4/worklogs call's CPU), and checks each
        // asset's size and date before serving it. What runs here is the build, so
        // serve the manifest as built unless this setting is given.
        builder.Configuration[ReloadStaticAssetsAtRuntime] ??= "false";

        builder.Services.AddRazorPages();
        builder.Services.AddAntiforgery(options => options.HeaderName = AntiforgeryHeader);
        return builder;
    }
}
