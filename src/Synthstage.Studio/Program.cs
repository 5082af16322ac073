using Synthstage.Studio;

// The studio's own entry point (`dotnet run --project src/Synthstage.Studio -- --Studio:DataFolder=DIR`); users start it
// with `synthstage studio`, which calls the same StudioApp.
var app = StudioApp.CreateBuilder(args).Build();
StudioApp.Configure(app);
await app.RunAsync();
