namespace TempoModular.Administration.Pages.Settings;

/// <summary>Settings: the sidebar's entry itself, listing what is under it.</summary>
internal sealed class SettingsIndexModel : SettingsPageModel
{
    public void OnGet()
    {
    }
}
