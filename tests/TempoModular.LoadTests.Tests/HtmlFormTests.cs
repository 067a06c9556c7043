using TempoModular.LoadTests.Setup;

namespace TempoModular.LoadTests.Tests;

public sealed class HtmlFormTests
{
    private static readonly Uri SignInPage = new("http://127.0.0.1:5080/account/sign-in?ReturnUrl=%2Foauth%2Fauthorize");

    private const string SignInHtml = """
        <!DOCTYPE html><html><head><title>Sign in - Tempo</title></head><body>
        <section class="card narrow"><h1>Sign in</h1>
        <form method="post" action="/account/sign-in?returnUrl=%2Foauth%2Fauthorize%3Fclient_id%3Dabc%26scope%3Dread&amp;x=1">
          <div class="field"><label for="user-name">User name</label>
            <input type="text" id="user-name" name="UserName" value="" autocomplete="username" required></div>
          <div class="field"><label for="password">Password</label>
            <input type="password" id="password" name="Password" autocomplete="current-password" required></div>
          <div class="actions"><button type="submit" class="primary">Sign in</button></div>
        <input name="__RequestVerificationToken" type="hidden" value="CfDJ8&#x2B;abc/def=" /></form>
        </section></body></html>
        """;

    private const string ConsentHtml = """
        <html><head><title>Authorize Load</title></head><body>
        <form method="post" action="/account/sign-out"><input name="__RequestVerificationToken" type="hidden" value="other" /><button type="submit">Sign out</button></form>
        <main><form method="post" action="/oauth/authorize">
          <input type="hidden" name="client_id" value="client-1" />
          <input type="hidden" name="redirect_uri" value="https://load.example/cb" />
          <input type="hidden" name="scope" value="read" />
          <input type="hidden" name="code_challenge" value="a&#x2B;b" />
          <div class="actions">
            <button type="submit" name="decision" value="authorize" class="primary">Authorize</button>
            <button type="submit" name='decision' value='deny'>Deny</button>
          </div>
        <input name="__RequestVerificationToken" type="hidden" value="consent-token" /></form></main></body></html>
        """;

    [Fact]
    public void The_sign_in_form_yields_its_user_name_and_password_fields_and_its_antiforgery_token()
    {
        var form = Assert.Single(HtmlForm.Parse(SignInHtml, SignInPage));

        Assert.Equal("POST", form.Method);
        Assert.Equal("UserName", form.UserName?.Name);
        Assert.Equal("Password", form.Password?.Name);
        var token = Assert.Single(form.Hidden);
        Assert.Equal(("__RequestVerificationToken", "CfDJ8+abc/def="), (token.Name, token.Value));
    }

    [Fact]
    public void A_relative_action_is_resolved_against_the_page_and_html_decoded()
    {
        var form = Assert.Single(HtmlForm.Parse(SignInHtml, SignInPage));

        Assert.Equal("http://127.0.0.1:5080/account/sign-in?returnUrl=%2Foauth%2Fauthorize%3Fclient_id%3Dabc%26scope%3Dread&x=1", form.Action.AbsoluteUri);
    }

    [Fact]
    public void The_consent_form_is_told_apart_from_the_layouts_sign_out_form_by_its_authorize_button()
    {
        var forms = HtmlForm.Parse(ConsentHtml, new Uri("http://127.0.0.1:5080/oauth/authorize?client_id=client-1"));

        Assert.Equal(2, forms.Count);
        var consent = Assert.Single(forms, f => f.Buttons.Contains(new HtmlButton("decision", "authorize")));
        Assert.Equal("http://127.0.0.1:5080/oauth/authorize", consent.Action.AbsoluteUri);
        Assert.Equal(
            ["client_id=client-1", "redirect_uri=https://load.example/cb", "scope=read", "code_challenge=a+b", "__RequestVerificationToken=consent-token"],
            consent.Hidden.Select(i => $"{i.Name}={i.Value}"));
        Assert.Contains(new HtmlButton("decision", "deny"), consent.Buttons);
    }

    [Fact]
    public void The_page_title_names_an_unexpected_page_in_errors()
    {
        Assert.Equal("Authorize Load", HtmlForm.TitleOf(ConsentHtml));
    }

    [Fact]
    public void The_redirect_back_to_the_client_is_read_into_its_parameters()
    {
        var query = AuthorizationCodeFlow.ParseQuery("?code=abc%2Bdef&state=s+1&iss=http%3A%2F%2F127.0.0.1%3A5080%2F");

        Assert.Equal("abc+def", query["code"]);
        Assert.Equal("s 1", query["state"]);
        Assert.Equal("http://127.0.0.1:5080/", query["iss"]);
    }

    [Fact]
    public void The_cookie_jar_keeps_secure_cookies_for_loopback_and_forgets_expired_ones()
    {
        var jar = new CookieJar();
        using var first = new HttpResponseMessage();
        first.Headers.TryAddWithoutValidation("Set-Cookie", "Tempo.SignIn=abc; path=/; secure; samesite=lax; httponly");
        first.Headers.TryAddWithoutValidation("Set-Cookie", ".AspNetCore.Antiforgery.x=tok; path=/; samesite=strict; httponly");
        jar.Store(first);
        using var second = new HttpResponseMessage();
        second.Headers.TryAddWithoutValidation("Set-Cookie", ".AspNetCore.Antiforgery.x=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/");
        jar.Store(second);

        using var request = new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1:5080/oauth/authorize");
        jar.AddTo(request);

        Assert.Equal("Tempo.SignIn=abc", Assert.Single(request.Headers.GetValues("Cookie")));
    }
}
