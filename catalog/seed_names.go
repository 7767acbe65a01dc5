package catalog

import (
	"strconv"
	"strings"
)

// Pools of invented names for the demo catalog.

// namePool returns the names a host name pattern draws from.
func namePool(pool string) []string {
	switch pool {
	case "person":
		return strings.Split("Hélène-Berthier|Louis-Garnier|Simone-Arnaud|Paul-Verdier|Lucie-Marchal|Jacques-Ferrand|"+
			"Odette-Roussel|Émile-Chastel|Renée-Dufay|André-Lemaître|Marthe-Collin|Henri-Duval|Suzanne-Leclerc|"+
			"Gaston-Mercier|Yvonne-Carpentier|Robert-Guérin|Colette-Vasseur|Marcel-Perrot|Germaine-Royer|"+
			"Raymond-Fleury|Denise-Vial|Léon-Barbier|Madeleine-Aubry|Georges-Lenoir|Paulette-Brun|Fernand-Roche|"+
			"Lucienne-Morin|Maurice-Delorme|Juliette-Besson|Albert-Prévost|Irène-Cordier|Victor-Lamarque|"+
			"Berthe-Sauvage|Armand-Thibault|Léonie-Marceau|Octave-Rivière|Blanche-Moreau|Eugène-Faure|"+
			"Augustine-Lebon|Théodore-Marin|Clémence-Haller|Gustave-Pellerin|Adèle-Rouvier|Jules-Bastide|"+
			"Marguerite-Lalande|Ernest-Carré|Honorine-Vidal|Firmin-Lacombe|Rosalie-Tessier|Aristide-Benoît|"+
			"Mathilde-Girod|Anatole-Brunet|Pauline-Chauvet|Edmond-Ravel|Cécile-Dumont|Valentin-Hardy|"+
			"Agathe-Pernet|Lazare-Quintin|Noémie-Sorel|Hippolyte-Vernet|Louise-Dorval|Casimir-Jourdan|"+
			"Alice-Mangin|Séraphin-Naudin|Jeanne-Bourdon|Basile-Ferrier|Inès-Lartigue|Félix-Roumain", "|")
	case "nature":
		return strings.Split("des Tilleuls|des Glycines|des Acacias|des Lilas|des Cerisiers|des Marronniers|des Peupliers|"+
			"des Érables|des Bouleaux|des Noisetiers|des Platanes|des Saules|des Charmes|des Mimosas|des Camélias|"+
			"des Hortensias|des Pivoines|des Iris|des Capucines|des Jonquilles|des Coquelicots|des Bleuets|"+
			"des Myosotis|des Violettes|des Roseaux|des Fougères|des Genêts|des Sorbiers|des Aubépines|des Magnolias|"+
			"du Verger|de la Source|du Moulin|des Vignes|de la Prairie|du Belvédère|des Quatre-Vents|de l'Aqueduc|"+
			"du Canal|de la Butte|du Pré|des Sablons|de la Fontaine|des Lavandières|des Merisiers|des Cytises|"+
			"des Tamaris|des Aulnes|des Frênes|des Mûriers|des Églantines|des Clématites|des Lauriers|des Bruyères|"+
			"des Oliviers|des Figuiers|des Mésanges|des Hirondelles|des Rossignols|des Libellules|des Abeilles|"+
			"des Écureuils|des Étangs|des Cascades|de la Clairière|du Bocage|des Coteaux|des Jardins-Suspendus|"+
			"de l'Ormeau|du Pommier|des Grands-Prés|de la Roseraie", "|")
	case "museum":
		return strings.Split("de l'Affiche ancienne|des Métiers d'autrefois|de l'Estampe|du Jouet ancien|des Enseignes|"+
			"de la Photographie de rue|de la Vie quotidienne|de la Mode populaire|de l'Horlogerie|de la Gravure|"+
			"des Cartes et plans|du Cinéma muet|des Instruments de musique|de la Typographie|des Arts de la table|"+
			"du Vitrail", "|")
	case "trade":
		return strings.Split("des Tanneurs|des Bateliers|des Horlogers|des Vitriers|des Tisserands|des Rémouleurs|"+
			"des Charrons|des Tonneliers|des Forgerons|des Doreurs|des Ébénistes|des Relieurs|des Chapeliers|"+
			"des Potiers|des Fondeurs|des Serruriers|des Couvreurs|des Maraîchers|des Meuniers|des Vanniers|"+
			"des Cordiers|des Imprimeurs|des Luthiers|des Brodeuses|des Plumassiers|des Tailleurs de pierre|"+
			"des Paveurs|des Fontainiers|des Carriers|des Blanchisseuses|des Verriers|des Menuisiers|des Orfèvres|"+
			"des Teinturiers|des Passementiers", "|")
	case "brand":
		return strings.Split("La Boucle|Le Grenier|La Réserve|Seconde Main|Le Bocal|La Navette|Trait d'Union|"+
			"La Passerelle|Le Relais du Canal|La Fabrique|L'Établi|La Ruche|Le Maillon|La Trame|Bouts de Ficelle|"+
			"La Clé des Champs|Le Sillon|L'Escale|Les Petites Mains|Le Chaudron|La Pépinière|Le Tremplin|L'Envol|"+
			"La Boussole|Le Phare|Les Rigoles|La Courte Échelle|Le Fil Rouge|La Main Tendue|Les Mille Pattes|"+
			"Le Nid|La Cordée|L'Atelier du Coin|Le Chantier|La Guinguette|Les Beaux Jours|Le Vent Debout|"+
			"La Fourmilière|Le Rebond|L'Arbre à Palabres|La Marmite|Le Panier Partagé|La Tisane|Le Colibri|"+
			"La Source Vive|Le Carrefour|La Bricole|Les Tournesols|Le Petit Pont|La Rose des Vents|Le Bon Accord|"+
			"L'Amarre|La Brouette|Le Moulin à Paroles|La Lucarne|Les Mains Vertes|Le Quai|La Débrouille|"+
			"Le Cercle|La Belle Ouvrage|Le Fanal|Les Copeaux|La Navette Verte|L'Hirondelle|Le Tandem|"+
			"La Voile|Le Préau|La Caravane|Le Grand Huit|La Bobine|L'Étincelle|Le Jardin d'Hiver|La Tablée|"+
			"Les Ricochets|La Mouette|Le Radeau|La Girouette|Le Kiosque|L'Îlot|La Palette", "|")
	}
	return nil
}

// streetNames are invented street names for the demo addresses ("rue des Tisserands").
func streetNames() []string {
	return strings.Split("rue des Tisserands|rue des Lavandières|passage des Horlogers|rue du Moulin-Doré|"+
		"allée des Glycines|rue des Peupliers-Blancs|villa des Capucines|rue de la Fontaine-Basse|"+
		"impasse des Relieurs|rue des Quatre-Saisons|cité des Tonneliers|rue Émile-Chastel|rue Odette-Roussel|"+
		"passage du Belvédère|rue des Jardins-Neufs|rue de l'Ancien-Lavoir|rue des Mésanges|rue du Petit-Verger|"+
		"allée des Tamaris|rue des Vanniers|rue Léonie-Marceau|rue Firmin-Lacombe|villa des Mimosas|"+
		"rue des Grands-Prés|passage des Brodeuses|rue de la Clairière|rue des Charrons|rue Anatole-Brunet|"+
		"square des Hirondelles|rue des Frênes-Verts|rue du Bocage|impasse des Cytises|rue des Coteaux|"+
		"rue Rosalie-Tessier|passage des Potiers|rue de la Roseraie|rue des Fondeurs|cité des Lilas-Blancs|"+
		"rue Casimir-Jourdan|rue des Églantines", "|")
}

// firstNames and lastNames make the invented names of the hosts' contacts.
func firstNames() []string {
	return strings.Split("Claire|Karim|Sophie|Thomas|Yanis|Inès|Léa|Hugo|Nadia|Malik|Camille|Julien|Fatou|Mehdi|"+
		"Élodie|Antoine|Sarah|Nicolas|Aïcha|Mathieu|Chloé|Samir|Laura|Olivier|Amina|Vincent|Manon|Rachid|Émilie|"+
		"David|Lina|Guillaume|Sonia|Pierre|Yasmine|Franck|Marion|Bilal|Hélène|Kevin|Mariam|Sébastien|Julie|Omar|"+
		"Céline|Jérôme|Awa|Romain|Nathalie|Idriss", "|")
}

func lastNames() []string {
	return strings.Split("Martin|Benali|Lambert|Fontaine|Moreau|Petit|Garnier|Roux|Girard|Chevalier|Diallo|Lefèvre|"+
		"Nguyen|Haddad|Bernard|Traoré|Rousseau|Mercier|Boyer|Da Silva|Faure|Bonnet|Kaci|Dupuis|Lemoine|Marchand|"+
		"Perrin|Morel|Bertrand|Camara|Renaud|Brun|Cohen|Gauthier|Meyer|Barbier|Colin|Aubert|Ferreira|Lucas|"+
		"Vidal|Robin|Clément|Masson|Sanchez|Hamidi|Picard|Roger|Fabre|Leroy", "|")
}

// dailyHours are the usual daily schedules of a 3e stage (at most 7 hours a day at 14).
func dailyHours() []string {
	return []string{"9h-16h", "9h30-16h30", "8h30-15h30", "10h-17h", "9h-12h et 13h30-16h30", "9h-16h", "8h-15h",
		"9h30-12h30 et 14h-17h"}
}

// arrondissementCentre is an approximate point in each arrondissement (index 1 to 20), near which
// the demo hosts are placed.
func arrondissementCentre(arr int) (lat, lon float64) {
	centres := [21][2]float64{{}, {48.8625, 2.3364}, {48.8683, 2.3428}, {48.8630, 2.3600}, {48.8543, 2.3576},
		{48.8445, 2.3497}, {48.8491, 2.3328}, {48.8562, 2.3122}, {48.8727, 2.3125}, {48.8770, 2.3374},
		{48.8761, 2.3607}, {48.8591, 2.3800}, {48.8405, 2.3900}, {48.8283, 2.3623}, {48.8292, 2.3265},
		{48.8401, 2.2934}, {48.8637, 2.2769}, {48.8873, 2.3067}, {48.8925, 2.3481}, {48.8871, 2.3848},
		{48.8634, 2.4015}}
	return centres[arr][0], centres[arr][1]
}

// arrondissementLabel writes an arrondissement the French way: "1er", "11e".
func arrondissementLabel(arr int) string {
	if arr == 1 {
		return "1er"
	}
	return strconv.Itoa(arr) + "e"
}
