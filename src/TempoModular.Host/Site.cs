namespace TempoModular.Host;

/// <summary>The site shell: Razor Pages of every module inside the one layout, static assets, antiforgery for htmx.</summary>
internal static class Site
{
    /// <summary>The header htmx sends the antiforgery request token in (see hx-headers in _Layout).</summary>
    public const string AntiforgeryHeader = "X-CSRF-TOKEN";

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

        builder.Services.AddRazorPages();
        builder.Services.AddAntiforgery(options => options.HeaderName = AntiforgeryHeader);
        return builder;
    }
}
